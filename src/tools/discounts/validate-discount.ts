import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { discountSchema } from '../schemas/discount.js';

export const validateDiscount = defineTool({
  name: 'validate_discount',
  resource: 'discounts',
  operation: 'read',
  title: 'Validate discount code against a cart',
  description:
    'Checks a code as checkout would, against the products of a cart: exists, not expired, under its usage ' +
    'limit, applies to a cart product, not an on-demand subscription — first failure wins. A usable code returns ' +
    '{valid: true, discount, eligible_product_ids}; an unusable one fails with the exact error checkout would give ' +
    '(CODE: message. Next: …), so the code and fix you read are what the buyer would hit. Changes nothing.',
  input: z.object({
    code: z.string().min(1).describe('The discount code, any case.'),
    product_ids: z
      .array(z.string().min(1)).max(100)
      .optional()
      .describe('Product ids (pdt_…) of the cart lines; omit to check the code alone, without its product restriction.'),
    on_demand: z.boolean().optional().describe('True when the purchase is an on-demand subscription (codes never apply to those).'),
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
