import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { usageEventSchema } from '../schemas/usage.js';

export const getUsageEvent = defineTool({
  name: 'get_usage_event',
  resource: 'usage',
  operation: 'read',
  title: 'Get usage event',
  description: 'Returns one stored usage event by event_id: customer, event name, timestamp and metadata.',
  input: z.object({ event_id: z.string().min(1).describe('The event_id given at ingestion.') }),
  output: usageEventSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.usage.getEvent(args.event_id),
});
