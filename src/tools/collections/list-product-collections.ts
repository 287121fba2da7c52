import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput, summaryPage } from '../schemas/common.js';
import { collectionSummarySchema } from '../schemas/collection.js';

export const listProductCollections = defineTool({
  name: 'list_product_collections',
  resource: 'collections',
  operation: 'read',
  title: 'List product collections',
  description:
    'Lists product collections as summaries, oldest first; only live ones unless archived: true. get_product_collection has the groups and items.',
  input: z.object({
    archived: z.boolean().optional().describe('true: only archived; else only live.'),
    brand_id: z.string().optional().describe('Only this brand’s.'),
    ...pageInput,
  }),
  output: pageOutput(collectionSummarySchema),
  hints: { idempotentHint: true },
  handler: async (engine, { page_size, page_number, ...filter }) =>
    summaryPage(collectionSummarySchema, await engine.collections.list(filter, { page_size, page_number })),
});
