import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf, metadataSchema } from '../schemas/common.js';
import { billingAddressInput } from '../schemas/payment.js';
import { subscriptionSchema } from '../schemas/subscription.js';

export const updateSubscription = defineTool({
  name: 'update_subscription',
  resource: 'subscriptions',
  operation: 'write',
  title: 'Update a subscription',
  description:
    'Changes a subscription’s metadata or billing address, moves next_billing_date (in a trial, extends it), or schedules or withdraws cancellation at the next billing date. Plan: change_subscription_plan; cancel now: cancel_subscription.',
  input: z.object({
    subscription_id: idOf('subscription', 'sub'),
    metadata: metadataSchema.optional().describe('Replaces the whole map.'),
    billing: billingAddressInput.nullable().optional().describe('null clears it.'),
    next_billing_date: z.string().optional().describe('Future ISO-8601 instant; active subscriptions only.'),
    cancel_at_next_billing_date: z.boolean().optional().describe('True: cancel then, uncharged; false: undo.'),
  }),
  output: subscriptionSchema,
  handler: (engine, { subscription_id, ...changes }) => engine.subscriptions.update(subscription_id, changes),
});
