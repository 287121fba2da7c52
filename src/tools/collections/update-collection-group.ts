import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { collectionSchema, groupNameInput, groupStatusInput } from '../schemas/collection.js';

export const updateCollectionGroup = defineTool({
  name: 'update_collection_group',
  resource: 'collections',
  operation: 'write',
  title: 'Update collection group',
  description:
    'Renames, enables or disables a collection group (disabled hides all its products), or reorders its products; the first product offered is pre-selected at checkout.',
  input: z.object({
    collection_id: idOf('product collection', 'pcl'),
    group_id: idOf('group', 'grp'),
    group_name: groupNameInput.optional(),
    status: groupStatusInput.optional(),
    product_order: z.array(z.string()).max(100).optional().describe('Every item of the group once, by item or product id, in the new order.'),
  }),
  output: collectionSchema,
  hints: { idempotentHint: true },
  handler: (engine, { collection_id, group_id, ...changes }) => engine.collections.updateGroup(collection_id, group_id, changes),
});
