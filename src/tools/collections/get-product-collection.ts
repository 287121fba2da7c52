import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { collectionSchema } from '../schemas/collection.js';

export const getProductCollection = defineTool({
  name: 'get_product_collection',
  resource: 'collections',
  operation: 'read',
  title: 'Get product collection',
  description:
    'Returns one product collection: groups and items in display order (enabled or not) and its plan-change policy. For names and prices, use list_collection_products.',
  input: z.object({ collection_id: idOf('product collection', 'pcl') }),
  output: collectionSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.collections.get(args.collection_id),
});
