import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { unarchivedCollectionSchema } from '../schemas/collection.js';

export const unarchiveProductCollection = defineTool({
  name: 'unarchive_product_collection',
  resource: 'collections',
  operation: 'write',
  title: 'Unarchive product collection',
  description:
    'Restores an archived product collection; excluded_product_ids lists its products that are archived themselves and stay out of its checkout.',
  input: z.object({ collection_id: idOf('product collection', 'pcl') }),
  output: unarchivedCollectionSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.collections.unarchive(args.collection_id),
});
