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
    'Subscribes an existing customer to a recurring or usage-based product on a saved payment method; for a new buyer use create_checkout_session. A decline gives status failed, not an error.',
  input: z.object({
    customer_id: idOf('customer', 'cus'),
    payment_method_id: z.string().min(1).describe('A saved method of the customer (list_customer_payment_methods).'),
    product_id: idOf('recurring or usage-based product', 'pdt'),
    quantity: quantityInput('Units (usage-based: 1)'),
    addons: z
      .array(
        z.strictObject({
          addon_id: z.string().min(1).describe('Attached to the product.'),
          quantity: quantityInput('Units'),
        }),
      )
      .max(20)
      .optional()
      .describe('Not for usage-based or on-demand subscriptions.'),
    discount_code: z.string().optional().describe('Any case; reduces as many paid periods as its cycle limit.'),
    trial_period_days: z.number().int().optional().describe('Days, 0–10000; overrides the product’s (0 = charge now).'),
    on_demand: z
      .strictObject({
        mandate_only: z.boolean().describe('True: authorise without charging now.'),
        product_price: minorUnits('The first charge (default price × quantity)').optional(),
      })
      .optional()
      .describe('Never renews on its own; charge it with charge_subscription.'),
    billing: billingAddressInput.optional(),
    metadata: metadataSchema.optional(),
  }),
  output: subscriptionWithPaymentSchema,
  handler: (engine, args) => engine.subscriptions.create(args),
});
