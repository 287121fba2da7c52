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
    'Returns the customer-facing receipt of a succeeded refund: brand, the payment and card refunded, each line split into amount and tax, and totals.',
  input: z.object({ refund_id: idOf('refund', 'ref') }),
  output: refundReceiptSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.refunds.receipt(args.refund_id),
});
