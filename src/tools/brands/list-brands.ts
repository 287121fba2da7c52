import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { brandSchema } from '../schemas/brand.js';

export const listBrands = defineTool({
  name: 'list_brands',
  resource: 'brands',
  operation: 'read',
  title: 'List brands',
  description: 'Lists the brands, the primary one first, then oldest first. Products created without a brand sell under the primary one.',
  input: z.object({ ...pageInput }),
  output: pageOutput(brandSchema),
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.brands.list(args),
});
