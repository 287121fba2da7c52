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
    'Returns one product collection with its groups and items in display order (each enabled or not), its ' +
    'plan-change policy and whether it is archived. Items name products by id only; to see names and prices ' +
    'as a checkout shows them, use list_collection_products instead.',
  input: z.object({ collection_id: idOf('product collection', 'pcl') }),
  output: collectionSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.collections.get(args.collection_id),
});
