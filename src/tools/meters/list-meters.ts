import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { meterSchema } from '../schemas/usage.js';

export const listMeters = defineTool({
  name: 'list_meters',
  resource: 'meters',
  operation: 'read',
  title: 'List meters',
  description: 'Lists meters, oldest first; only live ones unless archived: true.',
  input: z.object({
    archived: z.boolean().optional().describe('true: only archived meters; false or omitted: only live ones.'),
    ...pageInput,
  }),
  output: pageOutput(meterSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.meters.list(filter, { page_size, page_number }),
});
