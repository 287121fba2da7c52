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
    'Changes the given fields of a product; omitted fields stay as they are and null clears a nullable one. ' +
    'The price may change within its pricing model (a one-time product cannot become a plan). A new price ' +
    'applies to new purchases only: existing subscriptions keep their amount until a plan change. ' +
    '`addons` replaces the whole list.',
  input: z.object({ product_id: idOf('product', 'pdt'), ...z.object(productFields).partial().shape }),
  output: productSchema,
  hints: { idempotentHint: true },
  handler: (engine, { product_id, ...changes }) => engine.products.update(product_id, changes),
});
