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
    'Changes the given fields of a secondary brand; omitted fields stay as they are and null clears a nullable ' +
    'one. enabled: false suspends the brand, which stops only its own sales; other brands keep selling. The ' +
    'primary brand cannot be edited here (UNABLE_TO_EDIT_PRIMARY_BRAND). Returns the updated brand.',
  input: z.object({
    brand_id: idOf('brand', 'brnd'),
    ...z.object(brandFields).partial().shape,
    enabled: z.boolean().optional().describe('false suspends the brand (only its own sales stop); true restores it.'),
  }),
  output: brandSchema,
  hints: { idempotentHint: true },
  handler: (engine, { brand_id, ...changes }) => engine.brands.update(brand_id, changes),
});
