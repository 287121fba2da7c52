import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { paymentLineItemsSchema } from '../schemas/payment.js';

export const getPaymentLineItems = defineTool({
  name: 'get_payment_line_items',
  resource: 'payments',
  operation: 'read',
  title: 'Get payment line items',
  description: 'Returns the lines a payment billed, in order, with tax and refunded_amount; refunds name lines by item_id.',
  input: z.object({ payment_id: z.string().min(1).describe('The payment id (pay_…).') }),
  output: paymentLineItemsSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.payments.lineItems(args.payment_id),
});
