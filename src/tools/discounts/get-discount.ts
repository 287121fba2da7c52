import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { discountSchema } from '../schemas/discount.js';

export const getDiscount = defineTool({
  name: 'get_discount',
  resource: 'discounts',
  operation: 'read',
  title: 'Get discount',
  description:
    'Returns one live discount by id: code, type, amount, usage, expiry and product restriction. With the code a buyer typed, use get_discount_by_code.',
  input: z.object({ discount_id: idOf('discount', 'dsc') }),
  output: discountSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.discounts.get(args.discount_id),
});
