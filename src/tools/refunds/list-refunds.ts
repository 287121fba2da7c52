import { z } from 'zod';
import { REFUND_STATUSES } from '../../engine/refunds/types.js';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { refundSchema } from '../schemas/refund.js';

export const listRefunds = defineTool({
  name: 'list_refunds',
  resource: 'refunds',
  operation: 'read',
  title: 'List refunds',
  description:
    'Lists refunds newest first, one page at a time, optionally only those of one payment or customer, with one ' +
    'status, or made within a date range. Each shows its amount in minor units (tax included) and per-line items. ' +
    'Use it to see how much of a payment is already refunded before calling create_refund.',
  input: z.object({
    payment_id: z.string().min(1).optional().describe('Only refunds of this payment (pay_…).'),
    customer_id: z.string().min(1).optional().describe('Only refunds to this customer (cus_…).'),
    status: z.enum(REFUND_STATUSES).optional().describe('Only refunds with this status: pending, review, succeeded or failed.'),
    created_at_gte: z.string().optional().describe('Only refunds made at or after this ISO-8601 instant (2025-04-01T00:00:00Z).'),
    created_at_lte: z.string().optional().describe('Only refunds made at or before this ISO-8601 instant.'),
    ...pageInput,
  }),
  output: pageOutput(refundSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.refunds.list(filter, { page_size, page_number }),
});
