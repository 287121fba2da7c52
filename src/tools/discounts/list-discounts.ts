import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { discountSchema } from '../schemas/discount.js';

export const listDiscounts = defineTool({
  name: 'list_discounts',
  resource: 'discounts',
  operation: 'read',
  title: 'List discounts',
  description:
    'Lists live discount codes, oldest first, one page at a time; deleted ones are left out. Each shows its ' +
    'amount (basis points for percentage, minor units for flat), times_used against usage_limit and expires_at. ' +
    'Pass code to find one code, any case.',
  input: z.object({
    code: z.string().min(1).optional().describe('Only the discount with this exact code, any case.'),
    ...pageInput,
  }),
  output: pageOutput(discountSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.discounts.list(filter, { page_size, page_number }),
});
