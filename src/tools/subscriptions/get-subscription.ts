import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { subscriptionSchema } from '../schemas/subscription.js';

export const getSubscription = defineTool({
  name: 'get_subscription',
  resource: 'subscriptions',
  operation: 'read',
  title: 'Get a subscription',
  description:
    'Returns one subscription: status, product, quantity and addons, recurring_pre_tax_amount (minor units), the ' +
    'current period (previous_billing_date → next_billing_date, ISO-8601), scheduled cancellation or plan change, ' +
    'discount cycles left, subscription credit and any outstanding amount. Use list_subscriptions to find ids.',
  input: z.object({ subscription_id: idOf('subscription', 'sub') }),
  output: subscriptionSchema,
  hints: { idempotentHint: true },
  handler: (engine, { subscription_id }) => engine.subscriptions.get(subscription_id),
});
