import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { collectionSchema } from '../schemas/collection.js';

export const updateCollectionItem = defineTool({
  name: 'update_collection_item',
  resource: 'collections',
  operation: 'write',
  title: 'Update collection item',
  description: 'Enables or disables one product of a collection group; a disabled item keeps its place but is not offered at checkout.',
  input: z.object({
    collection_id: idOf('product collection', 'pcl'),
    group_id: idOf('group', 'grp'),
    item_id: idOf('collection item', 'pci'),
    status: z.boolean().describe('Offered at checkout.'),
  }),
  output: collectionSchema,
  hints: { idempotentHint: true },
  handler: (engine, { collection_id, group_id, item_id, status }) => engine.collections.updateItem(collection_id, group_id, item_id, { status }),
});
