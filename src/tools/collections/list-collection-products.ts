import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf, pageInput } from '../schemas/common.js';
import { collectionCheckoutSchema } from '../schemas/collection.js';

export const listCollectionProducts = defineTool({
  name: 'list_collection_products',
  resource: 'collections',
  operation: 'read',
  title: 'List collection products',
  description:
    'Lists what a checkout of this collection offers, in display order: enabled products of enabled groups, archived ones left out, the first marked pre_selected. Use it to present plans.',
  input: z.object({ collection_id: idOf('product collection', 'pcl'), ...pageInput }),
  output: collectionCheckoutSchema,
  hints: { idempotentHint: true },
  handler: (engine, { collection_id, page_size, page_number }) => engine.collections.listCheckoutProducts(collection_id, { page_size, page_number }),
});
