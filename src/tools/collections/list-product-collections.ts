import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { collectionSchema } from '../schemas/collection.js';

export const listProductCollections = defineTool({
  name: 'list_product_collections',
  resource: 'collections',
  operation: 'read',
  title: 'List product collections',
  description: 'Lists product collections, oldest first, with their groups and items; only live ones unless archived: true.',
  input: z.object({
    archived: z.boolean().optional().describe('true: only archived; else only live.'),
    brand_id: z.string().optional().describe('Only this brand’s.'),
    ...pageInput,
  }),
  output: pageOutput(collectionSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.collections.list(filter, { page_size, page_number }),
});
