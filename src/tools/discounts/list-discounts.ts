import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { discountSchema } from '../schemas/discount.js';

export const listDiscounts = defineTool({
  name: 'list_discounts',
  resource: 'discounts',
  operation: 'read',
  title: 'List discounts',
  description: 'Lists live discount codes, oldest first; deleted ones are left out.',
  input: z.object({
    code: z.string().min(1).optional().describe('Exact code, any case.'),
    ...pageInput,
  }),
  output: pageOutput(discountSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.discounts.list(filter, { page_size, page_number }),
});
