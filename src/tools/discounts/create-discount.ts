import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { discountFields, discountSchema } from '../schemas/discount.js';

export const createDiscount = defineTool({
  name: 'create_discount',
  resource: 'discounts',
  operation: 'write',
  title: 'Create discount code',
  description:
    'Creates a discount code buyers can enter at checkout. type percentage takes amount in basis points ' +
    '(540 = 5.4 %, 10000 = 100 %); type flat takes amount in minor units off each eligible line (500 = $5.00), ' +
    'never below zero. Omit code to get a random 16-character one; codes are stored upper-case. Optional usage ' +
    'limit, expiry, product restriction and subscription cycle limit. Returns the discount with its dsc_ id.',
  input: z.object({
    ...discountFields,
    code: discountFields.code.optional(),
    name: discountFields.name.optional(),
    usage_limit: discountFields.usage_limit.optional(),
    expires_at: discountFields.expires_at.optional(),
    restricted_to: discountFields.restricted_to.optional(),
    subscription_cycles: discountFields.subscription_cycles.optional(),
    preserve_on_plan_change: discountFields.preserve_on_plan_change.optional(),
    metadata: discountFields.metadata.optional(),
  }),
  output: discountSchema,
  handler: (engine, args) => engine.discounts.create(args),
});
