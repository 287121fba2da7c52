import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { discountFields, discountSchema } from '../schemas/discount.js';

export const updateDiscount = defineTool({
  name: 'update_discount',
  resource: 'discounts',
  operation: 'write',
  title: 'Update discount',
  description:
    'Changes the given fields of a live discount; omitted fields stay, null clears. usage_limit cannot go below times_used. Subscriptions already using the code keep their cycle count.',
  input: z.object({ discount_id: idOf('discount', 'dsc'), ...z.object(discountFields).partial().shape }),
  output: discountSchema,
  hints: { idempotentHint: true },
  handler: (engine, { discount_id, ...changes }) => engine.discounts.update(discount_id, changes),
});
