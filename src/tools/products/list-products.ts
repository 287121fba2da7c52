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
    'Lists products, oldest first, one page at a time. By default only live products; archived: true lists ' +
    'the archived ones instead. Filter by recurring (plans vs one-time) and brand. To show the plans of a ' +
    'collection as a checkout would, use list_collection_products instead.',
  input: z.object({
    archived: z.boolean().optional().describe('true: only archived products; false or omitted: only live ones.'),
    recurring: z.boolean().optional().describe('true: subscription and usage-based plans only; false: one-time only.'),
    brand_id: z.string().optional().describe('Only products of this brand (brnd_…).'),
    ...pageInput,
  }),
  output: pageOutput(productSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.products.list(filter, { page_size, page_number }),
});
