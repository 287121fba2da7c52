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
    'Drops the plan change waiting for the next billing date; the subscription renews on its current plan and nothing is charged. NOT_FOUND when none is scheduled.',
  input: z.object({ subscription_id: idOf('subscription', 'sub') }),
  output: subscriptionSchema,
  hints: { destructiveHint: true },
  handler: (engine, { subscription_id }) => engine.planChanges.cancelScheduledChange(subscription_id),
});
