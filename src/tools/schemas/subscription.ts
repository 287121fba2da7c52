import { z } from 'zod';
import { DUE_WORK_KINDS, INTERVALS, SUBSCRIPTION_STATUSES } from '../../engine/index.js';
import { currencySchema, isoInstant, metadataSchema } from './common.js';
import { billingAddressSchema, paymentSchema } from './payment.js';

const minor = (what: string) => z.number().int().describe(`${what}, minor units (cents): 3000 = $30.00.`);

export const subscriptionStatusSchema = z
  .enum(SUBSCRIPTION_STATUSES)
  .describe('on_hold: a charge failed; expired: term ended; failed: never started.');

const intervalSchema = z.enum(INTERVALS).describe('Day, Week, Month or Year.');

export const subscriptionSchema = z.object({
  subscription_id: z.string().describe('The subscription id (sub_…).'),
  business_id: z.string().describe('The business (bus_…).'),
  brand_id: z.string().describe('The brand it was sold under (brnd_…).'),
  customer: z
    .object({
      customer_id: z.string().describe('The customer id (cus_…).'),
      email: z.string().describe('Customer email.'),
      name: z.string().describe('Customer name.'),
    })
    .describe('Who subscribes.'),
  product_id: z.string().describe('The subscribed product (pdt_…).'),
  quantity: z.number().int().describe('Units of the product.'),
  addons: z
    .array(
      z.object({
        addon_id: z.string().describe('Addon id (adn_…).'),
        quantity: z.number().int().describe('Units of the addon.'),
        unit_price: minor('Price per unit per cycle, frozen at purchase'),
      }),
    )
    .describe('Addons billed every cycle.'),
  currency: currencySchema,
  recurring_pre_tax_amount: minor('Price × quantity + Σ addon price × quantity per cycle, before discount codes and tax'),
  payment_frequency_count: z.number().int().describe('Renews every this many payment_frequency_interval.'),
  payment_frequency_interval: intervalSchema,
  subscription_period_count: z.number().int().nullable().describe('Length of the whole term in subscription_period_interval; null = no end.'),
  subscription_period_interval: intervalSchema.nullable(),
  trial_period_days: z.number().int().describe('Trial length in days (0 = none).'),
  previous_billing_date: isoInstant.describe('Start of the current period (or of the trial), ISO-8601.'),
  next_billing_date: isoInstant.describe('End of the current period: the next charge, trial end or scheduled cancellation, ISO-8601.'),
  status: subscriptionStatusSchema,
  cancel_at_next_billing_date: z.boolean().describe('True when it will be cancelled, without a charge, at next_billing_date.'),
  cancelled_at: isoInstant.nullable().describe('When it was cancelled, or null.'),
  expires_at: isoInstant.nullable().describe('End of the term (start + subscription period), or null.'),
  on_demand: z.boolean().describe('True for on-demand subscriptions, charged only with charge_subscription.'),
  discount_id: z.string().nullable().describe('The discount code it holds (dsc_…), or null.'),
  discount_cycles_remaining: z.number().int().nullable().describe('Paid periods the code still reduces; null = every one.'),
  payment_method_id: z.string().nullable().describe('The saved method renewals charge (pm_…).'),
  tax_inclusive: z.boolean().describe('True when its prices include tax.'),
  billing: billingAddressSchema.nullable().describe('Billing address, or null.'),
  scheduled_change: z
    .object({
      id: z.string().describe('Scheduled change id (spc_…).'),
      product_id: z.string().describe('Product it switches to (pdt_…).'),
      quantity: z.number().int().describe('New quantity.'),
      addons: z
        .array(z.object({ addon_id: z.string().describe('Addon id.'), quantity: z.number().int().describe('Units.') }))
        .describe('New addons.'),
      effective_at: isoInstant.describe('When it applies (the next billing date).'),
      created_at: isoInstant,
    })
    .nullable()
    .describe('A plan change waiting for the next billing date, or null.'),
  credit_balance: minor('Subscription credit from downgrades, used before wallet credit at the next charges'),
  outstanding_amount: minor('Owed after a failed charge (on_hold); charged when the payment method is updated'),
  collection_id: z.string().nullable().describe('The product collection it was bought through (pcl_…), or null.'),
  metadata: metadataSchema,
  created_at: isoInstant,
});

export const dueWorkResultSchema = z.object({
  at: isoInstant.describe('When the item was due, ISO-8601.'),
  subscription_id: z.string().describe('The subscription (sub_…).'),
  kind: z.enum(DUE_WORK_KINDS).describe('trial_end (first real charge), renewal, scheduled_cancellation or expiry (term ended).'),
  payment_id: z.string().optional().describe('The payment made, when the item charged (pay_…).'),
  amount: minor('What was charged, tax included').optional(),
  status_before: subscriptionStatusSchema,
  status_after: subscriptionStatusSchema,
  events: z.array(z.string()).describe('Event types emitted, in order.'),
  error: z.string().optional().describe('Why the item failed and was rolled back; it is retried on the next run.'),
});

export const subscriptionWithPaymentSchema = z.object({
  subscription: subscriptionSchema,
  payment: paymentSchema.nullable().describe('The payment this call made, or null when it charged nothing.'),
});

/** A subscription in a list: what it is, where it stands, what it bills next; get_subscription has the rest. */
export const subscriptionSummarySchema = subscriptionSchema.pick({
  subscription_id: true,
  status: true,
  customer: true,
  product_id: true,
  quantity: true,
  currency: true,
  recurring_pre_tax_amount: true,
  payment_frequency_count: true,
  payment_frequency_interval: true,
  next_billing_date: true,
  cancel_at_next_billing_date: true,
  on_demand: true,
  credit_balance: true,
  outstanding_amount: true,
  created_at: true,
});
