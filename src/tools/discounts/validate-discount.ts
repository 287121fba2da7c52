import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { discountSchema } from '../schemas/discount.js';

export const validateDiscount = defineTool({
  name: 'validate_discount',
  resource: 'discounts',
  operation: 'read',
  title: 'Validate discount code against a cart',
  description: 'Checks a code against a cart as checkout would; an unusable code fails with the exact error checkout would give. Changes nothing.',
  input: z.object({
    code: z.string().min(1).describe('The discount code, any case.'),
    product_ids: z.array(z.string().min(1)).max(100).optional().describe('The cart’s products; omit to skip the product restriction.'),
    on_demand: z.boolean().optional().describe('An on-demand subscription (codes never apply).'),
  }),
  output: z.object({
    valid: z.literal(true).describe('Always true: an unusable code is an error result instead.'),
    discount: discountSchema,
    eligible_product_ids: z
      .array(z.string())
      .describe('The cart products the code reduces, distinct, in cart order; [] when no product_ids were given.'),
  }),
  hints: { idempotentHint: true },
  handler: async (engine, { code, product_ids = [], on_demand }) => {
    const discount = await engine.discounts.validate(code, { product_ids, on_demand });
    return { valid: true as const, discount, eligible_product_ids: engine.discounts.eligibleProductIds(discount, product_ids) };
  },
});
