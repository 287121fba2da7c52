import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { productSchema } from '../schemas/product.js';

export const archiveProduct = defineTool({
  name: 'archive_product',
  resource: 'products',
  operation: 'write',
  title: 'Archive product',
  description:
    'Archives a product: it leaves list_products, collections and new checkouts (PRODUCT_IS_DELETED); subscribers keep it. unarchive_product restores it.',
  input: z.object({ product_id: idOf('product', 'pdt') }),
  output: productSchema,
  hints: { destructiveHint: true, idempotentHint: true },
  handler: (engine, args) => engine.products.archive(args.product_id),
});
