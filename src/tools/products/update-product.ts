import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { productFields, productSchema } from '../schemas/product.js';

export const updateProduct = defineTool({
  name: 'update_product',
  resource: 'products',
  operation: 'write',
  title: 'Update product',
  description:
    'Changes the given fields of a product; omitted fields stay, null clears. The price may change within its pricing model and applies to new purchases; subscriptions keep theirs until a plan change.',
  input: z.object({ product_id: idOf('product', 'pdt'), ...z.object(productFields).partial().shape }),
  output: productSchema,
  hints: { idempotentHint: true },
  handler: (engine, { product_id, ...changes }) => engine.products.update(product_id, changes),
});
