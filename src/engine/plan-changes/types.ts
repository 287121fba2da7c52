import type { EffectiveAt, OnPaymentFailure, ProrationBillingMode } from '../rules/plan-change-modes.js';
import type { Currency } from '../money.js';
import type { Interval, PriceType } from '../products/types.js';
import type { Metadata } from '../shared/metadata.js';
import type { Subscription } from '../subscriptions/types.js';
import type { MeterUsage } from '../usage/types.js';
import type { PlanDirection } from './direction.js';

export interface PlanChangeAddon {
  addon_id: string;
  quantity: number;
}

/**
 * The body of change-plan and its preview, the same for both (SPEC §2.4). `addons` omitted keeps the current
 * addons, `[]` removes them all (D5). `effective_at` and `on_payment_failure` omitted take the collection's
 * setting for the direction, else `immediately` and `apply_change`.
 */
export interface PlanChangeRequest {
  product_id: string;
  quantity: number;
  addons?: PlanChangeAddon[] | undefined;
  proration_billing_mode: ProrationBillingMode;
  effective_at?: EffectiveAt | undefined;
  on_payment_failure?: OnPaymentFailure | undefined;
  /** Replaces the subscription's code; validated against the new product (SPEC §2.8). */
  discount_code?: string | undefined;
  /** The plan-change payment's metadata; default the subscription's. */
  metadata?: Metadata | undefined;
  /** True: a pending scheduled change is cancelled and this one takes its place; false/omitted: CONFLICT. */
  cancel_scheduled_plan_change?: boolean | undefined;
}

/**
 * One line of an immediate plan change, minor units. A plan line reads amount = quantity × unit_price ×
 * proration_factor (half up): "Pro 1 × 3000 × 0.677419 = 2032", "Unused time on Basic 1 × −1000 × 0.677419
 * = −677"; the lines sum to the subtotal.
 */
export interface PlanChangeLineItem {
  /** A meter line bills usage of the period a cycle-resetting change closes (see PlanChangeUsage). */
  type: 'subscription' | 'addon' | 'meter';
  /** The product id of a subscription line, the addon id of an addon line, the meter id of a meter line. */
  id: string;
  /** The product the line belongs to (an addon's parent product). */
  product_id: string;
  name: string;
  /** Units of the plan the line bills or credits: seats, licences. */
  quantity: number;
  /** Price per unit per period; negative on a line crediting the current plan. */
  unit_price: number;
  /** Fraction of the period the line pays for ("0.666667"); null for a whole-price line. */
  proration_factor: string | null;
  is_prorated: boolean;
  /** What the line bills (negative: credits), before discount code, credits and tax. */
  amount: number;
  /** Taken off by the discount code and by credits (subscription, then wallet). */
  discount_amount: number;
  tax: number;
  /** What the customer pays for the line: amount − discount_amount + tax (exclusive prices). */
  total: number;
}

export interface PlanChangeSummary {
  /** What the payment method is charged now, tax included (0 when credits cover it or nothing is due). */
  total_amount: number;
  tax: number;
  currency: Currency;
  /** The plan-change amount before codes, credits and tax: Σ line amount. */
  subtotal: number;
  /** Taken off by the subscription's discount code. */
  code_discount: number;
  /** Subscription credit plus wallet credit the charge would use (SPEC D4). */
  customer_credits: number;
  subscription_credit_used: number;
  wallet_credit_used: number;
  /** Test mode settles in the charge currency: equal to total_amount. */
  settlement_amount: number;
  settlement_currency: Currency;
}

export interface ImmediateCharge {
  /** ISO-8601: when the change takes effect (now, or the next billing date of a scheduled change). */
  effective_at: string;
  line_items: PlanChangeLineItem[];
  summary: PlanChangeSummary;
}

/**
 * The meter usage of the current part of a usage-based subscription's period so far, [start_date, end_date =
 * now), under the current product's meters: the usage a change leaves to bill. D6 bills it at the next
 * renewal (billed_at = next_billing_date) whatever the change; a change that restarts the cycle
 * (full_immediately, an interval change, a trial upgrade) closes the period now and bills it with its own
 * charge (billed_at = now; meter lines in immediate_charge). Free thresholds are what is left of the
 * period's allowance: on A (1000 free at "2") since Apr 1 with 2,500 calls on Apr 20 → 1,500 chargeable, 3000.
 */
export interface PlanChangeUsage {
  product_id: string;
  /** ISO-8601: previous_billing_date, or the latest plan change in the period. */
  start_date: string;
  /** ISO-8601: now. */
  end_date: string;
  /** ISO-8601: when this usage is billed. */
  billed_at: string;
  meters: MeterUsage[];
  /** Σ meter amounts, minor units, before code, credits and tax. */
  total_amount: number;
}

/** What a plan change would do, computed without writing anything. */
export interface PlanChangePreview {
  subscription_id: string;
  /** The mode and timing the change uses (the request's, or the defaults). */
  proration_billing_mode: ProrationBillingMode;
  effective_at: EffectiveAt;
  on_payment_failure: OnPaymentFailure;
  direction: PlanDirection;
  /** Recurring amount per period before codes: current plan and new plan (unit × qty + Σ addon × qty). */
  old_recurring_amount: number;
  new_recurring_amount: number;
  immediate_charge: ImmediateCharge;
  /** Subscription credit the change would add (a downgrade), applied to later renewals before the wallet. */
  credit_amount: number;
  /** The subscription as it would stand right after the change, if its charge succeeds. */
  new_plan: Subscription;
  /** Usage-based subscriptions: the usage of the current part of the period so far; null otherwise. */
  usage: PlanChangeUsage | null;
}

/**
 * applied: the new plan is in force (charged, credited or free);
 * scheduled: it takes effect at next_billing_date, nothing charged now;
 * on_hold: applied, but the charge failed (apply_change); outstanding_amount is owed;
 * not_applied: the charge failed and prevent_change kept the old plan.
 */
export const PLAN_CHANGE_STATUSES = ['applied', 'scheduled', 'on_hold', 'not_applied'] as const;
export type PlanChangeStatus = (typeof PLAN_CHANGE_STATUSES)[number];

export interface PlanChangeResult {
  status: PlanChangeStatus;
  subscription_id: string;
  /** Present when a charge was attempted. */
  payment_id: string | null;
  /** Present when the charge succeeded. */
  invoice_id: string | null;
  proration_billing_mode: ProrationBillingMode;
  effective_at: EffectiveAt;
  direction: PlanDirection;
  /** What the payment method was charged, tax included (0 without a charge or when it failed). */
  amount_charged: number;
  /** Subscription credit added by the change. */
  credit_added: number;
  /** The lines of the change, as its preview showed them and its payment and invoice hold them; [] when scheduled. */
  line_items: PlanChangeLineItem[];
  subscription: Subscription;
  /** Usage-based subscriptions: the usage of the part of the period the change closed; null otherwise. */
  usage: PlanChangeUsage | null;
}

/** One product a subscription could move to, as list_plan_change_options shows it (SPEC D7, seed 001). */
export interface PlanChangeOption {
  product_id: string;
  name: string;
  description: string | null;
  price_type: PriceType;
  currency: Currency;
  /** The product's price per unit per period now (usage-based: the fixed fee), after its own discount. */
  unit_price: number;
  payment_frequency_count: number;
  payment_frequency_interval: Interval;
  /** The subscription's current quantity, kept. */
  quantity: number;
  /** The current addons the product accepts, kept (others would be dropped: pass them explicitly to change). */
  addons: PlanChangeAddon[];
  /** unit_price × quantity + Σ addon × quantity, per period; null when the move is impossible. */
  recurring_amount: number | null;
  /** Null when the move is impossible (another currency …). */
  direction: PlanDirection | null;
  /** Whether the collection lets the subscriber make this move; the merchant may still make it. */
  allowed: boolean;
  reason: string | null;
  /** The collection's default for this direction, a null field the business setting (D18); null when impossible. */
  proration_billing_mode: ProrationBillingMode | null;
  effective_at: EffectiveAt | null;
  /** With those defaults: charged now (tax and credits included) and credit added; null when not possible. */
  charge_now: number | null;
  credit_amount: number | null;
}

export interface PlanChangeOptions {
  subscription_id: string;
  /** The collection whose products are offered (SPEC D7), or null when the subscription has none. */
  collection_id: string | null;
  current_product_id: string;
  /** Current recurring amount per period, before codes. */
  current_recurring_amount: number;
  items: PlanChangeOption[];
  page_number: number;
  page_size: number;
  has_more: boolean;
}
