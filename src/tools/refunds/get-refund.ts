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
    'Returns one refund by its ref_ id: payment, customer, amount in minor units (tax included), whether it was ' +
    'partial, status, reason and what each line got back. Use list_refunds to find refunds by payment or customer, ' +
    'and get_refund_receipt for the customer-facing receipt.',
  input: z.object({ refund_id: idOf('refund', 'ref') }),
  output: refundSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.refunds.get(args.refund_id),
});
