import type { Currency } from '../money.js';
import type { BillingAddress, BillingAddressInput } from '../payments/types.js';
import type { Interval } from '../products/types.js';
import type { Metadata } from '../shared/metadata.js';

/**
 * SPEC §1.13. `pending` while the first charge runs, `active` renews, `on_hold` after a failed renewal or
 * plan-change charge (a payment-method update recovers it), `cancelled` won't renew, `expired` reached the
 * end of its term, `failed` never started (first charge or mandate failed).
 */
export const SUBSCRIPTION_STATUSES = ['pending', 'active', 'on_hold', 'cancelled', 'expired', 'failed'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** An addon line of a subscription; `unit_price` is frozen when bought (or at the last plan change). */
export interface SubscriptionAddon {
  addon_id: string;
  quantity: number;
  /** Minor units per unit per cycle: 500 = $5.00 per seat. */
  unit_price: number;
}

/** A plan change waiting for the next billing date (SPEC §2.4 effective_at=next_billing_date). */
export interface ScheduledChange {
  id: string;
  product_id: string;
  quantity: number;
  addons: Array<{ addon_id: string; quantity: number }>;
  /** ISO-8601: the billing date it takes effect on. */
  effective_at: string;
  created_at: string;
}

export interface SubscriptionCustomer {
  customer_id: string;
  email: string;
  name: string;
}

/** A subscription as the API shows it (SPEC §1.13). Money in minor units of `currency`, instants ISO-8601. */
export interface Subscription {
  subscription_id: string;
  business_id: string;
  brand_id: string;
  customer: SubscriptionCustomer;
  product_id: string;
  quantity: number;
  addons: SubscriptionAddon[];
  currency: Currency;
  /** unit_price × quantity + Σ addon unit_price × quantity, before discounts and tax: 3000 × 1 + 500 × 2 = 4000. */
  recurring_pre_tax_amount: number;
  payment_frequency_count: number;
  payment_frequency_interval: Interval;
  /** The whole term (3 Month, 10 Year); null = renews until cancelled. */
  subscription_period_count: number | null;
  subscription_period_interval: Interval | null;
  trial_period_days: number;
  /** Start of the current period (or of the trial). */
  previous_billing_date: string;
  /** End of the current period: the next charge, or the trial's end. */
  next_billing_date: string;
  status: SubscriptionStatus;
  /** Scheduled cancellation (SPEC D11): at next_billing_date it becomes cancelled, with no charge. */
  cancel_at_next_billing_date: boolean;
  cancelled_at: string | null;
  /** End of the term: start + subscription period; null without a term. */
  expires_at: string | null;
  on_demand: boolean;
  discount_id: string | null;
  /** Paid periods the code still reduces; null = every one (or no code). */
  discount_cycles_remaining: number | null;
  payment_method_id: string | null;
  tax_inclusive: boolean;
  billing: BillingAddress | null;
  scheduled_change: ScheduledChange | null;
  /** Subscription-scoped credit from downgrades, minor units; used before wallet credit (SPEC D4). */
  credit_balance: number;
  /** Owed after a failed charge while on_hold; charged when the payment method is updated. */
  outstanding_amount: number;
  /** The product collection it was bought through (SPEC D7), or null. */
  collection_id: string | null;
  metadata: Metadata;
  created_at: string;
}

/**
 * A subscription as the engine keeps it: the API fields plus what billing needs. Instants are epoch ms.
 * Periods are numbered from 0 and only ever grow (they key the runner's ledger). The current period is
 * [previous_billing_date, next_billing_date) = period `period_index`, and period k ≥ anchor_period_index
 * starts at periodBoundary(billing_anchor, k − anchor_period_index, payment_frequency_count, interval), so a
 * Jan 31 anchor renews Feb 28, Mar 31, Apr 30 (calendar.ts). A trial is period 0 ending at the anchor
 * (anchor_period_index 1); moving next_billing_date or resetting the cycle re-anchors at the next period.
 */
export interface StoredSubscription {
  subscription_id: string;
  business_id: string;
  brand_id: string;
  customer_id: string;
  product_id: string;
  quantity: number;
  /**
   * Minor units per unit per cycle, frozen when bought (or at the last plan change) so price edits don't
   * touch it: the product's price with its own percent discount taken off (3000 at 10 % → 2700); see
   * billing.ts unitPriceOf.
   */
  unit_price: number;
  addons: SubscriptionAddon[];
  currency: Currency;
  tax_inclusive: boolean;
  payment_frequency_count: number;
  payment_frequency_interval: Interval;
  subscription_period_count: number | null;
  subscription_period_interval: Interval | null;
  trial_period_days: number;
  billing_anchor: number;
  /** The period that starts at billing_anchor (0, or 1 after a trial). */
  anchor_period_index: number;
  period_index: number;
  previous_billing_date: number;
  next_billing_date: number;
  status: SubscriptionStatus;
  cancel_at_next_billing_date: boolean;
  cancelled_at: number | null;
  expires_at: number | null;
  on_demand: boolean;
  discount_id: string | null;
  discount_cycles_remaining: number | null;
  payment_method_id: string | null;
  billing: BillingAddress | null;
  credit_balance: number;
  outstanding_amount: number;
  collection_id: string | null;
  checkout_session_id: string | null;
  metadata: Metadata;
  created_at: number;
  updated_at: number;
}

/** On-demand terms at creation (SPEC §2.6). */
export interface OnDemandInput {
  /** True: authorise the method without charging now. */
  mandate_only: boolean;
  /** The first charge in minor units when mandate_only is false; default the product price. */
  product_price?: number | undefined;
}

/** `create_subscription` for a customer with a saved payment method (SPEC §2.3). */
export interface NewSubscription {
  customer_id: string;
  payment_method_id: string;
  product_id: string;
  quantity: number;
  addons?: Array<{ addon_id: string; quantity: number }> | undefined;
  discount_code?: string | undefined;
  /** 0–10000; overrides the product's trial. */
  trial_period_days?: number | undefined;
  on_demand?: OnDemandInput | undefined;
  billing?: BillingAddressInput | undefined;
  metadata?: Metadata | undefined;
}

/** PATCH semantics: omitted fields stay; metadata replaces the whole map; billing null clears it. */
export interface SubscriptionChanges {
  metadata?: Metadata | undefined;
  billing?: BillingAddressInput | null | undefined;
  /** ISO-8601, strictly in the future: moves the next charge (extends a trial). */
  next_billing_date?: string | undefined;
  cancel_at_next_billing_date?: boolean | undefined;
}

export interface SubscriptionFilter {
  customer_id?: string | undefined;
  status?: SubscriptionStatus | undefined;
  product_id?: string | undefined;
}

/** POST /subscriptions/{id}/charge (SPEC §2.6). */
export interface OnDemandCharge {
  /** Minor units, ≥ 50 (D13): 2500 = $25.00. */
  product_price: number;
  product_currency?: string | undefined;
  product_description?: string | undefined;
  /** Defaults to the subscription's metadata. */
  metadata?: Metadata | undefined;
}

/** What the due-work runner does at an instant, in the order it does it at one instant. */
export const DUE_WORK_KINDS = ['scheduled_cancellation', 'expiry', 'trial_end', 'renewal'] as const;
export type DueWorkKind = (typeof DUE_WORK_KINDS)[number];

/** One item the runner processed (SPEC §2.3 renewal job). */
export interface DueWorkResult {
  /** ISO-8601: when the item was due (the clock stands there while it runs). */
  at: string;
  subscription_id: string;
  kind: DueWorkKind;
  payment_id?: string | undefined;
  /** Minor units charged, tax included. */
  amount?: number | undefined;
  status_before: SubscriptionStatus;
  status_after: SubscriptionStatus;
  /** Event types emitted, in order. */
  events: string[];
  /** Set when the item failed and was rolled back (it stays due and is retried on the next run). */
  error?: string | undefined;
}
