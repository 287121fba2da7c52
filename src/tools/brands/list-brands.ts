import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { brandSchema } from '../schemas/brand.js';

export const listBrands = defineTool({
  name: 'list_brands',
  resource: 'brands',
  operation: 'read',
  title: 'List brands',
  description:
    'Lists the business’s brands, the primary brand first and then the others oldest first, one page at a time. ' +
    'Products created without a brand_id are sold under the primary brand. Returns the page with has_more.',
  input: z.object({ ...pageInput }),
  output: pageOutput(brandSchema),
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.brands.list(args),
});
