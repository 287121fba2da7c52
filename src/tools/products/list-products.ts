import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput, summaryPage } from '../schemas/common.js';
import { productSummarySchema } from '../schemas/product.js';

export const listProducts = defineTool({
  name: 'list_products',
  resource: 'products',
  operation: 'read',
  title: 'List products',
  description:
    'Lists products as summaries (name, price), oldest first; only live ones unless archived: true. get_product has the whole record; list_collection_products shows a collection’s plans as checkout does.',
  input: z.object({
    archived: z.boolean().optional().describe('true: only archived; else only live.'),
    recurring: z.boolean().optional().describe('true: plans only; false: one-time only.'),
    brand_id: z.string().optional().describe('Only this brand’s.'),
    ...pageInput,
  }),
  output: pageOutput(productSummarySchema),
  hints: { idempotentHint: true },
  handler: async (engine, { page_size, page_number, ...filter }) =>
    summaryPage(productSummarySchema, await engine.products.list(filter, { page_size, page_number })),
});
