import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { subscriptionSchema, subscriptionStatusSchema } from '../schemas/subscription.js';

export const listSubscriptions = defineTool({
  name: 'list_subscriptions',
  resource: 'subscriptions',
  operation: 'read',
  title: 'List subscriptions',
  description: 'Lists subscriptions, newest first, filtered by customer, status or product (filters combine).',
  input: z.object({
    customer_id: z.string().optional().describe('Only this customer’s.'),
    status: subscriptionStatusSchema.optional(),
    product_id: z.string().optional().describe('Only this product’s.'),
    ...pageInput,
  }),
  output: pageOutput(subscriptionSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.subscriptions.list(filter, { page_size, page_number }),
});
