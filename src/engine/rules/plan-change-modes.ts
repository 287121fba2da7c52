import type { PlanChangeDefaults } from '../settings/types.js';

/** How a plan change is billed (SPEC §2.4); a collection may set one per direction (SPEC D7). */
export const PRORATION_BILLING_MODES = [
  'prorated_immediately',
  'difference_immediately',
  'full_immediately',
  'do_not_bill',
] as const;
export type ProrationBillingMode = (typeof PRORATION_BILLING_MODES)[number];

/** When a plan change takes effect (SPEC §2.4). */
export const EFFECTIVE_AT = ['immediately', 'next_billing_date'] as const;
export type EffectiveAt = (typeof EFFECTIVE_AT)[number];

/** What a declined plan-change charge does to the change (SPEC §2.4). */
export const ON_PAYMENT_FAILURE = ['prevent_change', 'apply_change'] as const;
export type OnPaymentFailure = (typeof ON_PAYMENT_FAILURE)[number];

/** SPEC D18's defaults, as a new business starts with them (migration 0011 gives them to existing ones). */
export const DEFAULT_PLAN_CHANGE_SETTINGS: PlanChangeDefaults = {
  proration_billing_mode_on_upgrade: 'prorated_immediately',
  proration_billing_mode_on_downgrade: 'prorated_immediately',
  effective_at_on_upgrade: 'immediately',
  effective_at_on_downgrade: 'next_billing_date',
  on_payment_failure: 'apply_change',
};
