import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { collectionSchema, groupNameInput, groupProductsInput, groupStatusInput } from '../schemas/collection.js';

export const createCollectionGroup = defineTool({
  name: 'create_collection_group',
  resource: 'collections',
  operation: 'write',
  title: 'Create collection group',
  description:
    'Adds a group after the last group of a product collection, optionally with products. To add products to an existing group, use add_collection_items.',
  input: z.object({
    collection_id: idOf('product collection', 'pcl'),
    group_name: groupNameInput.optional(),
    status: groupStatusInput.optional(),
    products: groupProductsInput.optional(),
  }),
  output: collectionSchema,
  handler: (engine, { collection_id, ...group }) => engine.collections.createGroup(collection_id, group),
});
