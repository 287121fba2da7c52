import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { cartLineInput, customizationInput, featureFlagsInput, trialDaysInput } from '../schemas/checkout.js';
import { metadataSchema } from '../schemas/common.js';
import { billingAddressInput, paymentStatusSchema } from '../schemas/payment.js';

export const createCheckoutSession = defineTool({
  name: 'create_checkout_session',
  resource: 'checkout',
  operation: 'write',
  title: 'Create checkout session',
  description:
    'Creates a hosted checkout for a product_cart (one-time products, or exactly one subscription plan) or for a ' +
    'product_collection_id (its first enabled product is pre-selected; the buyer buys one). Returns session_id and a ' +
    'checkout_url on this server, valid 24 h (15 min with confirm); amounts are minor units (1900 = $19.00). With ' +
    'payment_method_id + confirm + customer.customer_id it charges that saved method at once (one-click upsell) and ' +
    'checkout_url is null; create_payment does the same without a session. Paying a subscription cart starts the ' +
    'subscription (create_subscription starts one for an existing customer without a session).',
  input: z.object({
    product_cart: z.array(cartLineInput).max(50).optional().describe('Lines to buy; may be omitted with product_collection_id.'),
    product_collection_id: z.string().optional().describe('Sell from a product collection (pcl_…): the buyer buys exactly one of its products.'),
    customer: z
      .strictObject({
        customer_id: z.string().optional().describe('An existing customer (cus_…); then give no other customer field.'),
        email: z.string().optional().describe('Email of a new buyer; matched to an existing customer unless always_create_new_customer.'),
        name: z.string().optional().describe('Full name of a new buyer.'),
        phone_number: z.string().nullable().optional().describe('Phone number, international form (+14155550123).'),
      })
      .optional()
      .describe('Who buys: {customer_id}, or {email, name, phone_number}.'),
    billing_address: billingAddressInput.optional().describe('Billing address; country is required, the other fields are required too when confirm is true.'),
    minimal_address: z.boolean().optional().describe('With confirm, require only zipcode and country (default false).'),
    show_saved_payment_methods: z.boolean().optional().describe('Offer the customer’s saved cards on the page (default false).'),
    return_url: z.string().optional().describe('Where to send the buyer after paying; gets ?payment_id=…&status=….'),
    confirm: z.boolean().optional().describe('Final details now: billing address required, session valid 15 minutes (default false).'),
    discount_code: z.string().optional().describe('A discount code to pre-apply, any case.'),
    metadata: metadataSchema.optional(),
    tax_id: z
      .string()
      .optional()
      .describe('The buyer’s VAT/GST/tax id, e.g. DE123456789; stored without spaces, dots or dashes. A malformed id is INVALID_TAX_ID.'),
    customization: customizationInput.optional(),
    feature_flags: featureFlagsInput.optional(),
    subscription_data: z.strictObject({ trial_period_days: trialDaysInput }).optional().describe('Subscription options.'),
    payment_method_id: z
      .string()
      .optional()
      .describe('Charge this saved method of customer.customer_id now (needs confirm: true); see list_customer_payment_methods.'),
  }),
  output: z.object({
    session_id: z.string().describe('The session id (cks_…); get_checkout_session reads it, complete_checkout_session pays it.'),
    checkout_url: z.string().nullable().describe('The hosted checkout page; null when a saved method was charged at once.'),
    payment_id: z.string().nullable().describe('The payment, when a saved method was charged at once; else null.'),
    payment_status: paymentStatusSchema.nullable().describe('succeeded or failed when charged at once; else null.'),
    subscription_id: z.string().nullable().describe('The subscription started, when charged at once; else null.'),
  }),
  handler: (engine, args) => engine.checkout.create(args),
});
