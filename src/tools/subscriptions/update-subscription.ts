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
    'Changes a subscription’s metadata or billing address, moves its next_billing_date (must be in the future; during ' +
    'a trial this extends the trial), or schedules (cancel_at_next_billing_date: true) or withdraws a cancellation at ' +
    'the next billing date, when no charge is made. Omitted fields stay. To change the plan use change_subscription_plan; ' +
    'to cancel now use cancel_subscription. Returns the updated subscription.',
  input: z.object({
    subscription_id: idOf('subscription', 'sub'),
    metadata: metadataSchema.optional().describe('Replaces the whole metadata map.'),
    billing: billingAddressInput.nullable().optional().describe('New billing address; null clears it.'),
    next_billing_date: z.string().optional().describe('ISO-8601 instant after now: the next charge moves there (active subscriptions only).'),
    cancel_at_next_billing_date: z.boolean().optional().describe('True: cancel at next_billing_date without charging; false: undo that.'),
  }),
  output: subscriptionSchema,
  handler: (engine, { subscription_id, ...changes }) => engine.subscriptions.update(subscription_id, changes),
});
