import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { collectionSchema } from '../schemas/collection.js';

export const deleteCollectionGroup = defineTool({
  name: 'delete_collection_group',
  resource: 'collections',
  operation: 'write',
  title: 'Delete collection group',
  description:
    'Deletes a group and its items from a product collection; the products are untouched. To hide a group instead, disable it with update_collection_group.',
  input: z.object({
    collection_id: idOf('product collection', 'pcl'),
    group_id: idOf('group', 'grp'),
  }),
  output: collectionSchema,
  hints: { destructiveHint: true, idempotentHint: true },
  handler: (engine, args) => engine.collections.deleteGroup(args.collection_id, args.group_id),
});
