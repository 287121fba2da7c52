import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { productSchema } from '../schemas/product.js';

export const listProducts = defineTool({
  name: 'list_products',
  resource: 'products',
  operation: 'read',
  title: 'List products',
  description:
    'Lists products, oldest first; only live ones unless archived: true. To show a collection’s plans as checkout does, use list_collection_products.',
  input: z.object({
    archived: z.boolean().optional().describe('true: only archived; else only live.'),
    recurring: z.boolean().optional().describe('true: plans only; false: one-time only.'),
    brand_id: z.string().optional().describe('Only this brand’s.'),
    ...pageInput,
  }),
  output: pageOutput(productSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.products.list(filter, { page_size, page_number }),
});
