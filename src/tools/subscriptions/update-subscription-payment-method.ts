import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { subscriptionWithPaymentSchema } from '../schemas/subscription.js';

export const updateSubscriptionPaymentMethod = defineTool({
  name: 'update_subscription_payment_method',
  resource: 'subscriptions',
  operation: 'write',
  title: 'Update a subscription’s payment method',
  description:
    'Switches the saved method a subscription charges. On an on_hold subscription it charges the outstanding_amount to it and reactivates it on success; a decline leaves it on_hold.',
  input: z.object({
    subscription_id: idOf('subscription', 'sub'),
    payment_method_id: z.string().min(1).describe('A saved method of its customer.'),
  }),
  output: subscriptionWithPaymentSchema,
  handler: (engine, { subscription_id, payment_method_id }) => engine.subscriptions.updatePaymentMethod(subscription_id, { payment_method_id }),
});
