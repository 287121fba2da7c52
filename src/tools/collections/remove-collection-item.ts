import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { collectionSchema } from '../schemas/collection.js';

export const removeCollectionItem = defineTool({
  name: 'remove_collection_item',
  resource: 'collections',
  operation: 'write',
  title: 'Remove collection item',
  description:
    'Removes one product from a collection group; the product itself is untouched. To hide it but keep its place, use update_collection_item.',
  input: z.object({
    collection_id: idOf('product collection', 'pcl'),
    group_id: idOf('group', 'grp'),
    item_id: idOf('collection item', 'pci'),
  }),
  output: collectionSchema,
  hints: { destructiveHint: true, idempotentHint: true },
  handler: (engine, args) => engine.collections.removeItem(args.collection_id, args.group_id, args.item_id),
});
