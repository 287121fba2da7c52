import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { invoiceSchema } from '../schemas/payment.js';

export const getPaymentInvoice = defineTool({
  name: 'get_payment_invoice',
  resource: 'payments',
  operation: 'read',
  title: 'Get payment invoice',
  description:
    'Returns the invoice of a succeeded payment: sequential number, seller brand, customer, lines with tax, and totals. Other payments have none (NOT_FOUND).',
  input: z.object({ payment_id: z.string().min(1).describe('The payment id (pay_…).') }),
  output: invoiceSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.payments.invoice(args.payment_id),
});
