import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { discountFields, discountSchema } from '../schemas/discount.js';

export const createDiscount = defineTool({
  name: 'create_discount',
  resource: 'discounts',
  operation: 'write',
  title: 'Create discount code',
  description:
    'Creates a discount code buyers enter at checkout, percentage or flat, with optional usage limit, expiry, product restriction and cycle limit. Omit code for a random one.',
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
