import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { unarchivedCollectionSchema } from '../schemas/collection.js';

export const unarchiveProductCollection = defineTool({
  name: 'unarchive_product_collection',
  resource: 'collections',
  operation: 'write',
  title: 'Unarchive product collection',
  description:
    'Restores an archived product collection so it can be bought through again. Returns the collection and ' +
    'excluded_product_ids: its products that are themselves archived and so stay out of its checkout until ' +
    'unarchive_product restores them. Use list_product_collections with archived: true to find archived ones.',
  input: z.object({ collection_id: idOf('product collection', 'pcl') }),
  output: unarchivedCollectionSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.collections.unarchive(args.collection_id),
});
