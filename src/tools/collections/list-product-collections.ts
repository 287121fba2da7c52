import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { collectionSchema } from '../schemas/collection.js';

export const listProductCollections = defineTool({
  name: 'list_product_collections',
  resource: 'collections',
  operation: 'read',
  title: 'List product collections',
  description:
    'Lists product collections, oldest first, one page at a time, each with its groups and items. By default ' +
    'only live collections; archived: true lists the archived ones instead. Use get_product_collection for ' +
    'one collection by id.',
  input: z.object({
    archived: z.boolean().optional().describe('true: only archived collections; false or omitted: only live ones.'),
    brand_id: z.string().optional().describe('Only collections of this brand (brnd_…).'),
    ...pageInput,
  }),
  output: pageOutput(collectionSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.collections.list(filter, { page_size, page_number }),
});
