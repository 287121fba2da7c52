import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { paymentSchema } from '../schemas/payment.js';

export const getPayment = defineTool({
  name: 'get_payment',
  resource: 'payments',
  operation: 'read',
  title: 'Get payment',
  description:
    'Returns one payment: status (succeeded, failed …), subtotal, tax and total_amount in minor units, the customer, ' +
    'card used, error_code of a failed charge, product_cart for one-time purchases, and the checkout session, ' +
    'subscription, discount and invoice ids. Use get_payment_line_items for the per-line breakdown.',
  input: z.object({ payment_id: z.string().min(1).describe('The payment id (pay_…).') }),
  output: paymentSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.payments.get(args.payment_id),
});
