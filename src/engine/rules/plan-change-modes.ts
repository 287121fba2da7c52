/** How a plan change is billed (SPEC §2.4); a collection may set one per direction (SPEC D7). */
export const PRORATION_BILLING_MODES = ['prorated_immediately', 'difference_immediately', 'full_immediately', 'do_not_bill'] as const;
export type ProrationBillingMode = (typeof PRORATION_BILLING_MODES)[number];

/** When a plan change takes effect (SPEC §2.4). */
export const EFFECTIVE_AT = ['immediately', 'next_billing_date'] as const;
export type EffectiveAt = (typeof EFFECTIVE_AT)[number];

/** What a declined plan-change charge does to the change (SPEC §2.4). */
export const ON_PAYMENT_FAILURE = ['prevent_change', 'apply_change'] as const;
export type OnPaymentFailure = (typeof ON_PAYMENT_FAILURE)[number];

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

/** SPEC D18's defaults, as a new business starts with them (migration 0011 gives them to existing ones). */
export const DEFAULT_PLAN_CHANGE_SETTINGS: PlanChangeDefaults = {
  proration_billing_mode_on_upgrade: 'prorated_immediately',
  proration_billing_mode_on_downgrade: 'prorated_immediately',
  effective_at_on_upgrade: 'immediately',
  effective_at_on_downgrade: 'next_billing_date',
  on_payment_failure: 'apply_change',
};
