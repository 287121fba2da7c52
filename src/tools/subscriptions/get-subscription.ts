import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { subscriptionSchema } from '../schemas/subscription.js';

export const getSubscription = defineTool({
  name: 'get_subscription',
  resource: 'subscriptions',
  operation: 'read',
  title: 'Get a subscription',
  description: 'Returns one subscription: status, plan, current period, scheduled cancellation or plan change, credit and any outstanding amount.',
  input: z.object({ subscription_id: idOf('subscription', 'sub') }),
  output: subscriptionSchema,
  hints: { idempotentHint: true },
  handler: (engine, { subscription_id }) => engine.subscriptions.get(subscription_id),
});
