import type { EffectiveAt, OnPaymentFailure, ProrationBillingMode } from '../rules/plan-change-modes.js';

/**
 * The plan-change defaults a collection's null policy fields inherit (SPEC D18). A portal downgrade in a
 * collection that sets nothing is scheduled for the next billing date (default), an upgrade is prorated
 * and immediate: Basic 3000 → Pro 8000 on day 10 of 30 charges 3333 now (§3 A).
 */
export interface PlanChangeDefaults {
  /** Default prorated_immediately. */
  proration_billing_mode_on_upgrade: ProrationBillingMode;
  /** Default prorated_immediately. */
  proration_billing_mode_on_downgrade: ProrationBillingMode;
  /** Default immediately. */
  effective_at_on_upgrade: EffectiveAt;
  /** Default next_billing_date. */
  effective_at_on_downgrade: EffectiveAt;
  /** Default apply_change (SPEC §2.4: "the default absent a business setting"). */
  on_payment_failure: OnPaymentFailure;
}

/** Business-wide switches (seed 000: "Business settings"). */
export interface BusinessSettings extends PlanChangeDefaults {
  business_id: string;
  /** A customer may hold several active subscriptions at once. Default: true. */
  allow_multiple_subscriptions: boolean;
  /** Customers may change plans themselves in the portal. Default: false. */
  allow_subscription_updates: boolean;
  /** Tax rate applied to every line, in basis points: 1800 = 18 %. Default: 0. */
  default_tax_rate_bps: number;
  updated_at: string;
}

export interface BusinessSettingsUpdate extends Partial<PlanChangeDefaults> {
  allow_multiple_subscriptions?: boolean | undefined;
  allow_subscription_updates?: boolean | undefined;
  default_tax_rate_bps?: number | undefined;
}
