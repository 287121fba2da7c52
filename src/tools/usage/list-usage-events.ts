import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { usageEventSchema } from '../schemas/usage.js';

export const listUsageEvents = defineTool({
  name: 'list_usage_events',
  resource: 'usage',
  operation: 'read',
  title: 'List usage events',
  description:
    'Lists stored usage events, newest first, by customer, event name, time range or meter (the events it counts). Billed totals: get_usage_history.',
  input: z.object({
    customer_id: z.string().optional().describe('Only this customer’s.'),
    event_name: z.string().optional().describe('Exact name.'),
    meter_id: z.string().optional().describe('Only events it counts.'),
    start: z.string().optional().describe('ISO-8601, inclusive.'),
    end: z.string().optional().describe('ISO-8601, exclusive.'),
    ...pageInput,
  }),
  output: pageOutput(usageEventSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.usage.listEvents(filter, { page_size, page_number }),
});
