import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { brandSchema } from '../schemas/brand.js';

export const getBrand = defineTool({
  name: 'get_brand',
  resource: 'brands',
  operation: 'read',
  title: 'Get brand',
  description: 'Returns one brand by id: its storefront details, whether it is enabled and whether it is the primary brand.',
  input: z.object({ brand_id: idOf('brand', 'brnd') }),
  output: brandSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.brands.get(args.brand_id),
});
