import { z } from 'zod';
import {
  EFFECTIVE_AT,
  INTERVALS,
  ON_PAYMENT_FAILURE,
  PLAN_CHANGE_STATUSES,
  PLAN_DIRECTIONS,
  PRICE_TYPES,
  PRORATION_BILLING_MODES,
} from '../../engine/index.js';
import { currencySchema, idOf, isoInstant, metadataSchema, quantityInput } from './common.js';
import { subscriptionSchema } from './subscription.js';
import { meterUsageSchema } from './usage.js';

const minor = (what: string) => z.number().int().describe(`${what}, minor units (cents): 3333 = $33.33.`);

export const prorationModeSchema = z
  .enum(PRORATION_BILLING_MODES)
  .describe(
    'How the change is billed now; a downgrade credits instead. prorated_immediately: the new plan for the time left minus ' +
      'the unused current one (Basic 3000 → Pro 8000, 20 of 30 days left: 5333 − 2000 = 3333). difference_immediately: ' +
      'new − old (5000). full_immediately: the whole new price; the cycle restarts today. do_not_bill: charge nothing.',
  );

export const directionSchema = z
  .enum(PLAN_DIRECTIONS)
  .describe('upgrade or downgrade by recurring amount per day (30 days a month, 365 a year), or same.');

const addonInput = z.strictObject({
  addon_id: z.string().min(1).describe('Attached to the new product (adn_…).'),
  quantity: quantityInput('Units'),
});

const effectiveAtInput = z.enum(EFFECTIVE_AT).optional();
const onPaymentFailureInput = z.enum(ON_PAYMENT_FAILURE).optional();

/**
 * The body preview and change share (SPEC §2.4), plus the subscription it applies to. The billing rules
 * are described once, in preview's input (planChangePreviewInput); change, called after it, says less.
 */
export const planChangeInput = {
  subscription_id: idOf('subscription', 'sub'),
  product_id: z.string().min(1).describe('A live recurring or usage-based product in the subscription’s currency.'),
  quantity: quantityInput('Units (usage-based: 1)'),
  proration_billing_mode: prorationModeSchema.describe('As previewed.'),
  addons: z.array(addonInput).max(20).optional().describe('Omit to keep the current addons; [] removes them.'),
  effective_at: effectiveAtInput.describe('As previewed.'),
  on_payment_failure: onPaymentFailureInput.describe('As previewed.'),
  discount_code: z.string().min(1).optional().describe('Replaces the current code; must apply to the new product.'),
  metadata: metadataSchema.optional().describe('Of the plan-change payment; default the subscription’s.'),
  cancel_scheduled_plan_change: z.boolean().optional().describe('Replace a scheduled plan change (else CONFLICT).'),
};

/** planChangeInput with the billing rules described: preview_subscription_plan_change's input. */
export const planChangePreviewInput = {
  ...planChangeInput,
  proration_billing_mode: prorationModeSchema,
  effective_at: effectiveAtInput.describe(
    'next_billing_date switches at the next renewal, charging nothing now. Omitted: the collection’s setting, else immediately.',
  ),
  on_payment_failure: onPaymentFailureInput.describe(
    'If the charge fails, apply_change switches anyway, on_hold owing it; prevent_change keeps the plan. Omitted: the collection’s setting, else apply_change.',
  ),
};

const lineItemSchema = z.object({
  type: z
    .enum(['subscription', 'addon', 'meter'])
    .describe('subscription (the product line), addon, or meter (usage of the period a cycle-restarting change closes).'),
  id: z.string().describe('The product id of a subscription line, the addon id of an addon line, the meter id of a meter line.'),
  product_id: z.string().describe('The product the line belongs to.'),
  name: z.string().describe('Product or addon name; "Unused time on …" for a line crediting the current plan.'),
  quantity: z.number().int().describe('Units the line bills or credits.'),
  unit_price: minor('Price per unit per period; negative on a credit line'),
  proration_factor: z.string().nullable().describe('Fraction of the period the line bills, e.g. "0.666667"; null for a whole-price line.'),
  is_prorated: z.boolean().describe('True when the line is an adjustment (part of a period, or netted with a credit line).'),
  amount: minor('quantity × unit_price × proration_factor, half up (negative: a credit), before code, credits and tax'),
  discount_amount: minor('Taken off the line by the discount code and by subscription and wallet credit'),
  tax: minor('Tax on the line'),
  total: minor('What the customer pays for the line'),
});

const summarySchema = z.object({
  total_amount: minor('Charged to the payment method now, tax included (0: nothing due, or credits cover it)'),
  tax: minor('Tax in total_amount'),
  currency: currencySchema,
  subtotal: minor('Σ line amounts, before code, credits and tax (negative when the change credits)'),
  code_discount: minor('Taken off by the subscription’s discount code'),
  customer_credits: minor('Subscription credit plus wallet credit the charge uses'),
  subscription_credit_used: minor('Subscription credit used (from earlier downgrades)'),
  wallet_credit_used: minor('Customer wallet credit used'),
  settlement_amount: minor('What the business receives (test mode: total_amount)'),
  settlement_currency: currencySchema,
});

const planChangeUsageSchema = z
  .object({
    product_id: z.string().describe('The current product, whose meters bill this usage.'),
    start_date: isoInstant.describe('Start of the current part of the period: previous_billing_date, or the latest plan change.'),
    end_date: isoInstant.describe('Now: the usage so far.'),
    billed_at: isoInstant.describe('When it is billed: the next renewal, or now when the change restarts the billing cycle.'),
    meters: z
      .array(meterUsageSchema)
      .describe(
        'Per meter: consumed_units, chargeable_units = max(0, consumed − free_threshold), free_threshold left this period, price_per_unit (decimal minor units), amount (minor units).',
      ),
    total_amount: minor('Σ meter amounts, before code, credits and tax'),
  })
  .nullable()
  .describe(
    'Usage-based subscriptions: the meter usage of the current part of the period so far, billed in arrears under the current product’s meters (free thresholds count once per period across plan changes). null for other subscriptions.',
  );

export const planChangePreviewSchema = z.object({
  subscription_id: z.string().describe('The subscription (sub_…).'),
  proration_billing_mode: prorationModeSchema,
  effective_at: z.enum(EFFECTIVE_AT).describe('When the change would take effect.'),
  on_payment_failure: z.enum(ON_PAYMENT_FAILURE).describe('What a failed charge would do.'),
  direction: directionSchema,
  old_recurring_amount: minor('Current plan per period, before codes'),
  new_recurring_amount: minor('New plan per period, before codes'),
  immediate_charge: z
    .object({
      effective_at: isoInstant.describe('When it takes effect: now, or the next billing date of a scheduled change.'),
      line_items: z
        .array(lineItemSchema)
        .describe('The new plan’s lines, the current plan’s credit lines, then meter lines; they sum to subtotal. Empty when nothing is billed now.'),
      summary: summarySchema,
    })
    .describe('What would be charged now.'),
  credit_amount: minor('Subscription credit the change would add (a downgrade), used at the next renewals before the wallet'),
  new_plan: subscriptionSchema.describe('The subscription as it would stand right after the change (if its charge succeeds).'),
  usage: planChangeUsageSchema,
});

export const planChangeResultSchema = z.object({
  status: z
    .enum(PLAN_CHANGE_STATUSES)
    .describe(
      'applied (new plan in force), scheduled (switches at next_billing_date), on_hold (switched but the charge failed; outstanding_amount is owed), not_applied (charge failed, prevent_change kept the old plan).',
    ),
  subscription_id: z.string().describe('The subscription (sub_…).'),
  payment_id: z.string().nullable().describe('The plan-change payment, when a charge was attempted (pay_…).'),
  invoice_id: z.string().nullable().describe('Its invoice, when the charge succeeded (inv_…).'),
  proration_billing_mode: prorationModeSchema,
  effective_at: z.enum(EFFECTIVE_AT).describe('When the change took or takes effect.'),
  direction: directionSchema,
  amount_charged: minor('Charged to the payment method, tax included'),
  credit_added: minor('Subscription credit added'),
  line_items: z.array(lineItemSchema).describe('The lines of the change, as the preview showed them; the payment and invoice hold the same lines.'),
  subscription: subscriptionSchema,
  usage: planChangeUsageSchema,
});

const optionSchema = z.object({
  product_id: z.string().describe('A product of the collection (pdt_…).'),
  name: z.string().describe('Product name.'),
  description: z.string().nullable().describe('Product description.'),
  price_type: z.enum(PRICE_TYPES).describe('recurring_price or usage_based_price.'),
  currency: currencySchema,
  unit_price: minor('Price per unit per period now (usage-based: the fixed fee)'),
  payment_frequency_count: z.number().int().describe('Renews every this many payment_frequency_interval.'),
  payment_frequency_interval: z.enum(INTERVALS).describe('Day, Week, Month or Year.'),
  quantity: z.number().int().describe('The quantity the option keeps (the current one; 1 for usage-based).'),
  addons: z
    .array(z.object({ addon_id: z.string().describe('Addon id.'), quantity: z.number().int().describe('Units.') }))
    .describe('The current addons this product accepts, kept; pass these to change_subscription_plan.'),
  recurring_amount: minor('Per period with that quantity and those addons').nullable(),
  direction: directionSchema.nullable(),
  allowed: z.boolean().describe('Whether the collection lets the subscriber make this move; the merchant may still make it.'),
  reason: z.string().nullable().describe('Why not, when not allowed.'),
  proration_billing_mode: prorationModeSchema.nullable(),
  effective_at: z.enum(EFFECTIVE_AT).nullable().describe('The collection’s timing for this direction (else immediately).'),
  charge_now: minor('Charged now with those defaults, tax and credits included').nullable(),
  credit_amount: minor('Subscription credit added with those defaults').nullable(),
});

export const planChangeOptionsSchema = z.object({
  subscription_id: z.string().describe('The subscription (sub_…).'),
  collection_id: z.string().nullable().describe('The collection whose products are offered, or null when it has none (or several).'),
  current_product_id: z.string().describe('The current product (left out of items).'),
  current_recurring_amount: minor('Current plan per period, before codes'),
  items: z.array(optionSchema).describe('Products it may move to, in the collection’s display order.'),
  page_number: z.number().int(),
  page_size: z.number().int(),
  has_more: z.boolean().describe('True when page_number + 1 holds more items.'),
});
