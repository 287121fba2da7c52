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
    'Renames a group of a product collection (null makes it unnamed), enables or disables it (a disabled ' +
    'group hides all its products from checkout), or reorders its products. product_order must list every ' +
    'item of the group exactly once, by item id (pci_…) or product id (pdt_…); the first product offered is ' +
    'pre-selected at checkout. Returns the updated collection.',
  input: z.object({
    collection_id: idOf('product collection', 'pcl'),
    group_id: idOf('group', 'grp'),
    group_name: groupNameInput.optional(),
    status: groupStatusInput.optional(),
    product_order: z
      .array(z.string()).max(100)
      .optional()
      .describe('Every item of the group, each once, by item id (pci_…) or product id (pdt_…), in the new display order.'),
  }),
  output: collectionSchema,
  hints: { idempotentHint: true },
  handler: (engine, { collection_id, group_id, ...changes }) =>
    engine.collections.updateGroup(collection_id, group_id, changes),
});
