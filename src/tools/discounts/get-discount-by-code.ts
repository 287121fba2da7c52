import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { discountSchema } from '../schemas/discount.js';

export const getDiscountByCode = defineTool({
  name: 'get_discount_by_code',
  resource: 'discounts',
  operation: 'read',
  title: 'Get discount by code',
  description:
    'Returns the live discount holding a code, any case. It only looks the code up: whether a buyer could use it on a cart is validate_discount.',
  input: z.object({ code: z.string().min(1).describe('The discount code, any case.') }),
  output: discountSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.discounts.getByCode(args.code),
});
