import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { productSchema } from '../schemas/product.js';

export const getProduct = defineTool({
  name: 'get_product',
  resource: 'products',
  operation: 'read',
  title: 'Get product',
  description: 'Returns one product by id: price, billing terms, addons, license-key settings and whether it is archived.',
  input: z.object({ product_id: idOf('product', 'pdt') }),
  output: productSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.products.get(args.product_id),
});
