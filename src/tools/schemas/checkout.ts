import { z } from 'zod';
import { CHECKOUT_STATUSES, MAX_TRIAL_DAYS } from '../../engine/index.js';
import { billingAddressSchema, paymentStatusSchema } from './payment.js';
import { currencySchema, isoInstant, metadataSchema, quantityInput } from './common.js';

export const cartLineInput = z.strictObject({
  product_id: z.string().min(1).describe('Product to buy.'),
  quantity: quantityInput('Units (usage-based: 1)'),
  amount: z.number().int().min(0).optional().describe('Pay-what-you-want: chosen unit price, ≥ the product’s, minor units.'),
  addons: z
    .array(
      z.strictObject({
        addon_id: z.string().min(1).describe('Attached to the product (adn_…).'),
        quantity: quantityInput('Units'),
      }),
    )
    .max(20)
    .optional()
    .describe('Subscription lines only.'),
});

export const cardInput = z
  .strictObject({
    number: z.string().min(12).max(23).describe('Card number; test cards: 4242424242424242 succeeds, 4000000000000002 declines.'),
    exp_month: z.number().int().min(1).max(12).describe('Any future date works.'),
    exp_year: z.number().int().describe('e.g. 2032 or 32.'),
    cvc: z.string().optional().describe('Any 3 or 4 digits.'),
  })
  .describe('Saved as the customer’s payment method.');

const flag = (what: string) => z.boolean().optional().describe(what);

export const featureFlagsInput = z
  .strictObject({
    allow_currency_selection: flag('Let the buyer pick a currency (default false).'),
    allow_discount_code: flag('Show the discount code field (default true).'),
    allow_phone_number_collection: flag('Ask for a phone number (default true).'),
    allow_tax_id: flag('Ask for a tax id (default false).'),
    always_create_new_customer: flag('Even for a known email (default false).'),
    redirect_immediately: flag('Skip the success page (default false).'),
  })
  .describe('Checkout behaviour switches.');

export const customizationInput = z
  .strictObject({
    theme: z.enum(['light', 'dark', 'system']).optional().describe('Page theme (default system).'),
    show_order_details: flag('Show the order summary (default true).'),
    show_on_demand_tag: flag('Show the on-demand tag (default true).'),
  })
  .describe('Look of the hosted checkout page.');

const featureFlagsSchema = z.object({
  allow_currency_selection: z.boolean().describe('Currency picker shown.'),
  allow_discount_code: z.boolean().describe('Discount code field shown.'),
  allow_phone_number_collection: z.boolean().describe('Phone number asked.'),
  allow_tax_id: z.boolean().describe('Tax id asked.'),
  always_create_new_customer: z.boolean().describe('A new customer is created even for a known email.'),
  redirect_immediately: z.boolean().describe('The success page is skipped.'),
});

const customizationSchema = z.object({
  theme: z.enum(['light', 'dark', 'system']).describe('Page theme.'),
  show_order_details: z.boolean().describe('Order summary shown.'),
  show_on_demand_tag: z.boolean().describe('On-demand tag shown.'),
});

const minor = (what: string) => z.number().int().describe(`${what}, minor units (cents).`);

export const checkoutSessionSchema = z.object({
  id: z.string().describe('The session id (cks_…).'),
  status: z.enum(CHECKOUT_STATUSES).describe('open (payable), completed (paid) or expired.'),
  checkout_url: z.string().nullable().describe('The hosted page; null when a saved method was charged at once.'),
  created_at: isoInstant,
  expires_at: isoInstant,
  customer_id: z.string().nullable().describe('The customer, once known (cus_…).'),
  customer_email: z.string().nullable().describe('Customer email, when known.'),
  customer_name: z.string().nullable().describe('Customer name, when known.'),
  payment_id: z.string().nullable().describe('The latest payment attempt (pay_…); a failed one leaves the session open.'),
  payment_status: paymentStatusSchema.nullable().describe('Status of that payment, or null.'),
  subscription_id: z.string().nullable().describe('The subscription started by this checkout, or null.'),
  product_collection_id: z.string().nullable().describe('The collection of a collection checkout (pcl_…), or null.'),
  selected_product_id: z.string().nullable().describe('Collection checkouts: the product currently selected.'),
  product_cart: z
    .array(
      z.object({
        product_id: z.string().describe('Product id.'),
        name: z.string().describe('Product name.'),
        quantity: z.number().int().describe('Units.'),
        amount: z.number().int().nullable().describe('Chosen pay-what-you-want amount per unit, or null.'),
        pay_what_you_want: z.boolean().describe('True when the buyer chooses the amount.'),
        addons: z
          .array(z.object({ addon_id: z.string().describe('Addon id.'), quantity: z.number().int().describe('Units.') }))
          .describe('Addons on a subscription line.'),
      }),
    )
    .describe('What will be bought.'),
  is_subscription: z.boolean().describe('True when the cart is a subscription plan.'),
  trial_period_days: z.number().int().nullable().describe('Trial the subscription would start with; null for one-time carts.'),
  discount_id: z.string().nullable().describe('The applied code (dsc_…), or null.'),
  discount_code: z.string().nullable().describe('The applied code, upper case, or null.'),
  billing_address: billingAddressSchema.nullable().describe('Billing address, or null.'),
  confirm: z.boolean().describe('True when created final (valid 15 minutes).'),
  return_url: z.string().nullable().describe('Where the buyer goes after paying.'),
  show_saved_payment_methods: z.boolean().describe('Offer the customer’s saved cards.'),
  tax_id: z.string().nullable().describe('The buyer’s tax id, normalised; null when none was given.'),
  feature_flags: featureFlagsSchema.describe('Checkout switches in effect.'),
  customization: customizationSchema.describe('Page look in effect.'),
  metadata: metadataSchema,
  summary: z
    .object({
      currency: currencySchema,
      lines: z
        .array(
          z.object({
            item_id: z.string().describe('Product or addon id.'),
            kind: z.enum(['product', 'addon', 'meter']).describe('product, addon, or meter (usage billed in arrears).'),
            name: z.string().describe('Line name.'),
            quantity: z.number().int().describe('Units.'),
            unit_price: minor('Price per unit'),
            discount_amount: minor('Discounts'),
            amount: minor('After discounts, without tax'),
            tax: minor('Tax'),
            total: minor('amount + tax'),
          }),
        )
        .describe('Priced lines.'),
      subtotal: minor('Σ amounts'),
      discount_amount: minor('Σ discounts'),
      tax: minor('Σ tax'),
      total_amount: minor('What the buyer would pay now'),
    })
    .describe('Price at today’s catalogue; pay-what-you-want lines without an amount at their minimum.'),
});

export const trialDaysInput = z.number().int().optional().describe(`Trial days overriding the product’s, 0–${MAX_TRIAL_DAYS}.`);
