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
    'Lists the products a checkout of this collection offers, in display order: enabled products of enabled ' +
    'groups, archived products left out, the first one marked pre_selected. Each entry has name, price in ' +
    'minor units (4900 = $49.00; the fixed fee for usage-based plans), currency, billing interval and trial. ' +
    'Use it to present plans; get_product_collection shows the raw structure, disabled items included.',
  input: z.object({ collection_id: idOf('product collection', 'pcl'), ...pageInput }),
  output: collectionCheckoutSchema,
  hints: { idempotentHint: true },
  handler: (engine, { collection_id, page_size, page_number }) =>
    engine.collections.listCheckoutProducts(collection_id, { page_size, page_number }),
});
