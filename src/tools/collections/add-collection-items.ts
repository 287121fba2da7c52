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
    'Appends one or more products to the end of a group of a product collection, in the order given. Each ' +
    'product must exist, be live (not archived), be of the collection’s brand and not be in the collection yet. ' +
    'To start a new group use create_collection_group instead. Returns the updated collection with the new ' +
    'pci_ item ids.',
  input: z.object({
    collection_id: idOf('product collection', 'pcl'),
    group_id: idOf('group', 'grp'),
    products: groupProductsInput.min(1),
  }),
  output: collectionSchema,
  handler: (engine, args) => engine.collections.addItems(args.collection_id, args.group_id, args.products),
});
