import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { refundInputFields, refundSchema } from '../schemas/refund.js';

export const createRefund = defineTool({
  name: 'create_refund',
  resource: 'refunds',
  operation: 'write',
  title: 'Refund payment',
  description:
    'Returns money from a succeeded payment made in the last 30 days to its original payment method. Omit items ' +
    'for a full refund of everything not yet refunded, or name lines by item_id with an amount in minor units ' +
    '(tax included unless tax_inclusive is false; omit amount for the rest of the line); several partial refunds ' +
    'are allowed up to what was paid. In test mode the refund succeeds at once and emits refund.succeeded; it ' +
    'never cancels a subscription. Returns the refund (ref_…) with its amount and per-line items.',
  input: z.object(refundInputFields),
  output: refundSchema,
  hints: { destructiveHint: true },
  handler: (engine, args) => engine.refunds.create(args),
});
