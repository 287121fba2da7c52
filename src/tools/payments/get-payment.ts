import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { paymentSchema } from '../schemas/payment.js';

export const getPayment = defineTool({
  name: 'get_payment',
  resource: 'payments',
  operation: 'read',
  title: 'Get payment',
  description:
    'Returns one payment: status, amounts, customer, card, the error_code of a failed charge and related ids. get_payment_line_items gives the lines.',
  input: z.object({ payment_id: z.string().min(1).describe('The payment id (pay_…).') }),
  output: paymentSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.payments.get(args.payment_id),
});
