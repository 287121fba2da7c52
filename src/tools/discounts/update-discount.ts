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
    'Changes the given fields of a live discount; omitted fields stay, null clears a nullable one and ' +
    'restricted_to replaces the whole list. type and amount are checked together (percentage: basis points ' +
    '1–10000; flat: minor units). usage_limit cannot go below times_used (DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED). ' +
    'Changes apply to future checkouts; subscriptions already using the code keep their cycle count.',
  input: z.object({ discount_id: idOf('discount', 'dsc'), ...z.object(discountFields).partial().shape }),
  output: discountSchema,
  hints: { idempotentHint: true },
  handler: (engine, { discount_id, ...changes }) => engine.discounts.update(discount_id, changes),
});
