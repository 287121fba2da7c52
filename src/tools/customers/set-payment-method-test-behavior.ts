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
    'Test mode: makes every later charge on a saved card fail with failure_code, or succeed again with null, e.g. to watch a renewal fail. Past payments are unchanged.',
  input: z.object({
    payment_method_id: idOf('saved payment method', 'pm'),
    failure_code: testFailureCodeSchema.nullable().describe('e.g. CARD_DECLINED; null: charges succeed.'),
  }),
  output: paymentMethodSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.customers.setPaymentMethodFailure(args.payment_method_id, args.failure_code),
});
