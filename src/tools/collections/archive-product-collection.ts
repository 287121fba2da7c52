import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { collectionSchema } from '../schemas/collection.js';

export const archiveProductCollection = defineTool({
  name: 'archive_product_collection',
  resource: 'collections',
  operation: 'write',
  title: 'Archive product collection',
  description:
    'Archives a product collection: it can no longer be bought through and its products are untouched. unarchive_product_collection restores it.',
  input: z.object({ collection_id: idOf('product collection', 'pcl') }),
  output: collectionSchema,
  hints: { destructiveHint: true, idempotentHint: true },
  handler: (engine, args) => engine.collections.archive(args.collection_id),
});
