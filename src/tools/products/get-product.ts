import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { productSchema } from '../schemas/product.js';

export const getProduct = defineTool({
  name: 'get_product',
  resource: 'products',
  operation: 'read',
  title: 'Get product',
  description:
    'Returns one product by id: its price (amounts in minor units), billing interval and trial for plans, ' +
    'attached addons, license-key settings, metadata and whether it is archived. Use list_products to find ids.',
  input: z.object({ product_id: idOf('product', 'pdt') }),
  output: productSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.products.get(args.product_id),
});
