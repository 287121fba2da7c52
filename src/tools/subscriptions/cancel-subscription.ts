import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { subscriptionSchema } from '../schemas/subscription.js';

export const cancelSubscription = defineTool({
  name: 'cancel_subscription',
  resource: 'subscriptions',
  operation: 'write',
  title: 'Cancel a subscription now',
  description:
    'Cancels a subscription now: no further charges, no refund of the current period. To stop at period end, use update_subscription with cancel_at_next_billing_date.',
  input: z.object({ subscription_id: idOf('subscription', 'sub') }),
  output: subscriptionSchema,
  hints: { destructiveHint: true },
  handler: (engine, { subscription_id }) => engine.subscriptions.cancel(subscription_id),
});
