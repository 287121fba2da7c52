import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { subscriptionSchema } from '../schemas/subscription.js';

export const cancelScheduledPlanChange = defineTool({
  name: 'cancel_scheduled_plan_change',
  resource: 'subscriptions',
  operation: 'write',
  title: 'Cancel a scheduled plan change',
  description:
    'Drops the plan change a subscription has waiting for its next billing date (scheduled_change), so it renews on its ' +
    'current plan; nothing is charged or refunded. NOT_FOUND when none is scheduled. To replace a scheduled change ' +
    'instead, call change_subscription_plan with cancel_scheduled_plan_change: true. Returns the subscription.',
  input: z.object({ subscription_id: idOf('subscription', 'sub') }),
  output: subscriptionSchema,
  hints: { destructiveHint: true },
  handler: (engine, { subscription_id }) => engine.planChanges.cancelScheduledChange(subscription_id),
});
