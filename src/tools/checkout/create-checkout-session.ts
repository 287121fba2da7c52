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
    'Creates a hosted checkout for a product_cart (one-time products, or one subscription plan) or a product_collection_id; checkout_url stays valid 24 h (15 min with confirm). With payment_method_id and confirm it charges that saved method at once.',
  input: z.object({
    product_cart: z.array(cartLineInput).max(50).optional().describe('Lines to buy; may be omitted with product_collection_id.'),
    product_collection_id: z.string().optional().describe('Sell one product of this collection (pcl_…).'),
    customer: z
      .strictObject({
        customer_id: z.string().optional().describe('An existing customer; then no other field.'),
        email: z.string().optional().describe('New buyer; matched to an existing customer unless always_create_new_customer.'),
        name: z.string().optional().describe('New buyer’s full name.'),
        phone_number: z.string().nullable().optional().describe('International form, e.g. +14155550123.'),
      })
      .optional()
      .describe('Who buys: {customer_id}, or {email, name, phone_number}.'),
    billing_address: billingAddressInput.optional().describe('Country required; with confirm, every field.'),
    minimal_address: z.boolean().optional().describe('With confirm, require only zipcode and country.'),
    show_saved_payment_methods: z.boolean().optional().describe('Offer saved cards on the page (default false).'),
    return_url: z.string().optional().describe('Buyer goes there after paying, with ?payment_id=…&status=….'),
    confirm: z.boolean().optional().describe('Final details now; billing address required (default false).'),
    discount_code: z.string().optional().describe('Pre-applied code, any case.'),
    metadata: metadataSchema.optional(),
    tax_id: z.string().optional().describe('Buyer’s VAT/GST id, e.g. DE123456789.'),
    customization: customizationInput.optional(),
    feature_flags: featureFlagsInput.optional(),
    subscription_data: z.strictObject({ trial_period_days: trialDaysInput }).optional().describe('Subscription options.'),
    payment_method_id: z
      .string()
      .optional()
      .describe('Charge this saved method of the customer now (needs confirm); see list_customer_payment_methods.'),
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
