import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { collectionSchema, groupProductsInput } from '../schemas/collection.js';

export const addCollectionItems = defineTool({
  name: 'add_collection_items',
  resource: 'collections',
  operation: 'write',
  title: 'Add collection items',
  description:
    'Appends products to the end of a collection group, in the order given. Each must be live, of the collection’s brand and not in the collection yet.',
  input: z.object({
    collection_id: idOf('product collection', 'pcl'),
    group_id: idOf('group', 'grp'),
    products: groupProductsInput.min(1),
  }),
  output: collectionSchema,
  handler: (engine, args) => engine.collections.addItems(args.collection_id, args.group_id, args.products),
});
