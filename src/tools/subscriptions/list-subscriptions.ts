import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { subscriptionSchema, subscriptionStatusSchema } from '../schemas/subscription.js';

export const listSubscriptions = defineTool({
  name: 'list_subscriptions',
  resource: 'subscriptions',
  operation: 'read',
  title: 'List subscriptions',
  description:
    'Lists subscriptions newest first, one page at a time, optionally only one customer’s, one status or one ' +
    'product’s (filters combine). Amounts are minor units and dates ISO-8601. Use get_subscription for one.',
  input: z.object({
    customer_id: z.string().optional().describe('Only this customer’s subscriptions (cus_…).'),
    status: subscriptionStatusSchema.optional(),
    product_id: z.string().optional().describe('Only subscriptions to this product (pdt_…).'),
    ...pageInput,
  }),
  output: pageOutput(subscriptionSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.subscriptions.list(filter, { page_size, page_number }),
});
