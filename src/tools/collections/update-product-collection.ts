import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { collectionSchema, policyFields } from '../schemas/collection.js';

export const updateProductCollection = defineTool({
  name: 'update_product_collection',
  resource: 'collections',
  operation: 'write',
  title: 'Update product collection',
  description:
    'Changes the given fields of a product collection, its group order and plan-change policy; omitted fields stay, null clears. Within one group, use update_collection_group.',
  input: z.object({
    collection_id: idOf('product collection', 'pcl'),
    name: z.string().min(1).max(100).optional().describe('New name.'),
    description: z.string().max(1000).nullable().optional().describe('Shown at checkout.'),
    image: z.string().nullable().optional().describe('Image URL.'),
    group_order: z.array(z.string()).max(50).optional().describe('Every group id once, in the new order.'),
    ...z.object(policyFields).partial().shape,
  }),
  output: collectionSchema,
  hints: { idempotentHint: true },
  handler: (engine, { collection_id, ...changes }) => engine.collections.update(collection_id, changes),
});
