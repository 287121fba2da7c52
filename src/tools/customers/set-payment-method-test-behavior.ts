import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { paymentMethodSchema, testFailureCodeSchema } from '../schemas/customer.js';

export const setPaymentMethodTestBehavior = defineTool({
  name: 'set_payment_method_test_behavior',
  resource: 'customers',
  operation: 'write',
  title: 'Set payment method test behavior',
  description:
    'Test mode: makes every later charge on a saved card fail with failure_code (CARD_DECLINED, ' +
    'INSUFFICIENT_FUNDS …), or succeed again with null. Use it to watch a renewal fail and the subscription go ' +
    'on hold without a new checkout. Past payments are unchanged. Returns the payment method.',
  input: z.object({
    payment_method_id: idOf('saved payment method', 'pm'),
    failure_code: testFailureCodeSchema
      .nullable()
      .describe('The code every later charge on this method fails with, e.g. CARD_DECLINED; null makes charges succeed.'),
  }),
  output: paymentMethodSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.customers.setPaymentMethodFailure(args.payment_method_id, args.failure_code),
});
