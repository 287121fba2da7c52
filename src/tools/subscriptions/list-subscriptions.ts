import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput, summaryPage } from '../schemas/common.js';
import { subscriptionStatusSchema, subscriptionSummarySchema } from '../schemas/subscription.js';

export const listSubscriptions = defineTool({
  name: 'list_subscriptions',
  resource: 'subscriptions',
  operation: 'read',
  title: 'List subscriptions',
  description:
    'Lists subscriptions as summaries, newest first, filtered by customer, status or product (filters combine); get_subscription has the whole record.',
  input: z.object({
    customer_id: z.string().optional().describe('Only this customer’s.'),
    status: subscriptionStatusSchema.optional(),
    product_id: z.string().optional().describe('Only this product’s.'),
    ...pageInput,
  }),
  output: pageOutput(subscriptionSummarySchema),
  hints: { idempotentHint: true },
  handler: async (engine, { page_size, page_number, ...filter }) =>
    summaryPage(subscriptionSummarySchema, await engine.subscriptions.list(filter, { page_size, page_number })),
});
