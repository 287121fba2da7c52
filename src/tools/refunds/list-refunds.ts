import { z } from 'zod';
import { REFUND_STATUSES } from '../../engine/index.js';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { refundSchema } from '../schemas/refund.js';

export const listRefunds = defineTool({
  name: 'list_refunds',
  resource: 'refunds',
  operation: 'read',
  title: 'List refunds',
  description: 'Lists refunds, newest first, by payment, customer, status or date range; check what is already refunded before create_refund.',
  input: z.object({
    payment_id: z.string().min(1).optional().describe('Only this payment’s.'),
    customer_id: z.string().min(1).optional().describe('Only this customer’s.'),
    status: z.enum(REFUND_STATUSES).optional().describe('Only this status.'),
    created_at_gte: z.string().optional().describe('ISO-8601, inclusive.'),
    created_at_lte: z.string().optional().describe('ISO-8601, inclusive.'),
    ...pageInput,
  }),
  output: pageOutput(refundSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.refunds.list(filter, { page_size, page_number }),
});
