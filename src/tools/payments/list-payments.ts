import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput, summaryPage } from '../schemas/common.js';
import { paymentStatusSchema, paymentSummarySchema } from '../schemas/payment.js';

export const listPayments = defineTool({
  name: 'list_payments',
  resource: 'payments',
  operation: 'read',
  title: 'List payments',
  description:
    'Lists payments as summaries, newest first, filtered by customer, subscription, brand, status or creation time; get_payment has the whole record.',
  input: z.object({
    customer_id: z.string().optional().describe('Only this customer’s.'),
    status: paymentStatusSchema.optional(),
    subscription_id: z.string().optional().describe('Only this subscription’s.'),
    brand_id: z.string().optional().describe('Only this brand’s.'),
    created_at_gte: z.string().optional().describe('ISO-8601, inclusive.'),
    created_at_lte: z.string().optional().describe('ISO-8601, inclusive.'),
    ...pageInput,
  }),
  output: pageOutput(paymentSummarySchema),
  hints: { idempotentHint: true },
  handler: async (engine, { page_size, page_number, ...filter }) =>
    summaryPage(paymentSummarySchema, await engine.payments.list(filter, { page_size, page_number })),
});
