import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { productSchema } from '../schemas/product.js';

export const unarchiveProduct = defineTool({
  name: 'unarchive_product',
  resource: 'products',
  operation: 'write',
  title: 'Unarchive product',
  description: 'Restores an archived product so it can be bought again and shows in its collections.',
  input: z.object({ product_id: idOf('product', 'pdt') }),
  output: productSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.products.unarchive(args.product_id),
});
