import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf, metadataSchema, minorUnits, quantityInput } from '../schemas/common.js';
import { billingAddressInput } from '../schemas/payment.js';
import { subscriptionWithPaymentSchema } from '../schemas/subscription.js';

export const createSubscription = defineTool({
  name: 'create_subscription',
  resource: 'subscriptions',
  operation: 'write',
  title: 'Create a subscription',
  description:
    'Subscribes an existing customer to a recurring or usage-based product, charging one of their saved payment ' +
    'methods (use create_checkout_session instead for a new buyer). Without a trial the first period is charged now; ' +
    'with trial_period_days (overrides the product, 0–10000 days) it starts active with one $0 payment and the first ' +
    'charge at the trial end. A declined card gives status failed, not an error. Amounts are minor units (3000 = $30.00); ' +
    'returns the subscription and its first payment.',
  input: z.object({
    customer_id: idOf('customer', 'cus'),
    payment_method_id: z.string().min(1).describe('A saved method of that customer (pm_…); list_customer_payment_methods shows them.'),
    product_id: idOf('recurring or usage-based product', 'pdt'),
    quantity: quantityInput('Units of the product (exactly 1 for usage-based products)'),
    addons: z
      .array(
        z.strictObject({
          addon_id: z.string().min(1).describe('An addon attached to the product (adn_…).'),
          quantity: quantityInput('Units of the addon'),
        }),
      ).max(20)
      .optional()
      .describe('Addons billed every cycle with the product; not for usage-based or on-demand subscriptions.'),
    discount_code: z.string().optional().describe('A discount code to apply, any case; it reduces as many paid periods as its subscription_cycles (create_discount), every one when unset.'),
    trial_period_days: z.number().int().optional().describe('Trial length in days, 0–10000; overrides the product’s (0 = charge now).'),
    on_demand: z
      .strictObject({
        mandate_only: z.boolean().describe('True: authorise the method without charging now; false: charge product_price now.'),
        product_price: minorUnits('The first charge when mandate_only is false (default the product price × quantity)').optional(),
      })
      .optional()
      .describe('Make it on-demand: never renews on its own; charge it with charge_subscription.'),
    billing: billingAddressInput.optional(),
    metadata: metadataSchema.optional(),
  }),
  output: subscriptionWithPaymentSchema,
  handler: (engine, args) => engine.subscriptions.create(args),
});
