import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { brandFields, brandSchema } from '../schemas/brand.js';

export const updateBrand = defineTool({
  name: 'update_brand',
  resource: 'brands',
  operation: 'write',
  title: 'Update brand',
  description:
    'Changes the given fields of a secondary brand; omitted fields stay, null clears. Disabling stops only this brand’s sales. The primary brand cannot be edited.',
  input: z.object({
    brand_id: idOf('brand', 'brnd'),
    ...z.object(brandFields).partial().shape,
    enabled: z.boolean().optional().describe('false suspends its sales.'),
  }),
  output: brandSchema,
  hints: { idempotentHint: true },
  handler: (engine, { brand_id, ...changes }) => engine.brands.update(brand_id, changes),
});
