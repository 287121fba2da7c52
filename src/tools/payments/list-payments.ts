import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { paymentSchema, paymentStatusSchema } from '../schemas/payment.js';

export const listPayments = defineTool({
  name: 'list_payments',
  resource: 'payments',
  operation: 'read',
  title: 'List payments',
  description:
    'Lists payments newest first, one page at a time, optionally for one customer, subscription or brand, one status, ' +
    'or a created_at range (inclusive ISO-8601 instants). Amounts are minor units. Use get_payment for one payment.',
  input: z.object({
    customer_id: z.string().optional().describe('Only this customer’s payments (cus_…).'),
    status: paymentStatusSchema.optional(),
    subscription_id: z.string().optional().describe('Only payments of this subscription (sub_…).'),
    brand_id: z.string().optional().describe('Only payments under this brand (brnd_…).'),
    created_at_gte: z.string().optional().describe('Created at or after this ISO-8601 instant.'),
    created_at_lte: z.string().optional().describe('Created at or before this ISO-8601 instant.'),
    ...pageInput,
  }),
  output: pageOutput(paymentSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.payments.list(filter, { page_size, page_number }),
});
