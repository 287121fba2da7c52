import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { refundInputFields, refundSchema } from '../schemas/refund.js';

export const createRefund = defineTool({
  name: 'create_refund',
  resource: 'refunds',
  operation: 'write',
  title: 'Refund payment',
  description:
    'Refunds a succeeded payment of the last 30 days to its original method: everything not yet refunded, or chosen lines. Partial refunds may repeat up to what was paid. It never cancels a subscription.',
  input: z.object(refundInputFields),
  output: refundSchema,
  hints: { destructiveHint: true },
  handler: (engine, args) => engine.refunds.create(args),
});
