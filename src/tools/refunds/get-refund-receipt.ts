import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { refundReceiptSchema } from '../schemas/refund.js';

export const getRefundReceipt = defineTool({
  name: 'get_refund_receipt',
  resource: 'refunds',
  operation: 'read',
  title: 'Get refund receipt',
  description:
    'Returns the receipt of a succeeded refund, as sent to the customer: brand, customer, the payment and card the ' +
    'money goes back to, each refunded line split into amount and tax, and totals, all in minor units. Lines ' +
    'always sum to the refund amount. Refunds that did not succeed have no receipt (NOT_FOUND); use get_refund ' +
    'for the refund record itself.',
  input: z.object({ refund_id: idOf('refund', 'ref') }),
  output: refundReceiptSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.refunds.receipt(args.refund_id),
});
