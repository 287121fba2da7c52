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
    'Changes the given fields of a product collection: name, description, image, the order of its groups and ' +
    'its plan-change policy; omitted fields stay and null clears a nullable one (a null billing default ' +
    'inherits the business setting). group_order must list every group id exactly once. To rename, enable or ' +
    'reorder within one group use update_collection_group. Returns the updated collection.',
  input: z.object({
    collection_id: idOf('product collection', 'pcl'),
    name: z.string().min(1).max(100).optional().describe('New name, ≤ 100 characters.'),
    description: z.string().max(1000).nullable().optional().describe('New description (≤ 1000 characters); null clears it.'),
    image: z.string().nullable().optional().describe('New image URL; null clears it.'),
    group_order: z
      .array(z.string()).max(50)
      .optional()
      .describe('Every group id (grp_…) of the collection, each once, in the new display order.'),
    ...z.object(policyFields).partial().shape,
  }),
  output: collectionSchema,
  hints: { idempotentHint: true },
  handler: (engine, { collection_id, ...changes }) => engine.collections.update(collection_id, changes),
});
