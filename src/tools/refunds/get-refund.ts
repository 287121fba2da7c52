import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { refundSchema } from '../schemas/refund.js';

export const getRefund = defineTool({
  name: 'get_refund',
  resource: 'refunds',
  operation: 'read',
  title: 'Get refund',
  description:
    'Returns one refund: payment, customer, amount (tax included), whether partial, reason and per-line amounts. get_refund_receipt gives the customer-facing receipt.',
  input: z.object({ refund_id: idOf('refund', 'ref') }),
  output: refundSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.refunds.get(args.refund_id),
});
