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
    'Cancels a subscription immediately: status cancelled, cancelled_at now, no further charges and no refund of the ' +
    'current period. To stop at the end of the paid period instead, use update_subscription with ' +
    'cancel_at_next_billing_date: true. Returns the cancelled subscription.',
  input: z.object({ subscription_id: idOf('subscription', 'sub') }),
  output: subscriptionSchema,
  hints: { destructiveHint: true },
  handler: (engine, { subscription_id }) => engine.subscriptions.cancel(subscription_id),
});
