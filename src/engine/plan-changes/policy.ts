import type { EffectiveAt, OnPaymentFailure, PlanChangePolicy, ProrationBillingMode } from '../collections/types.js';
import type { PlanDirection } from './direction.js';

/** What a change defaults to when neither the request nor a collection says (SPEC §2.4, D7). */
export const DEFAULT_PRORATION_BILLING_MODE: ProrationBillingMode = 'prorated_immediately';
export const DEFAULT_EFFECTIVE_AT: EffectiveAt = 'immediately';
/** SPEC §2.4: apply_change is "the default absent a business setting". */
export const DEFAULT_ON_PAYMENT_FAILURE: OnPaymentFailure = 'apply_change';

export interface DirectionDefaults {
  proration_billing_mode: ProrationBillingMode;
  effective_at: EffectiveAt;
}

/**
 * The collection's defaults for a direction (SPEC D7): a downgrade reads the `_on_downgrade` fields, an
 * upgrade or an equal-priced move the `_on_upgrade` ones ("equal is allowed whenever upgrades are"). A null
 * field, or no collection, falls back to prorated_immediately / immediately.
 */
export function directionDefaults(policy: PlanChangePolicy | null, direction: PlanDirection): DirectionDefaults {
  const downgrade = direction === 'downgrade';
  const mode = downgrade ? policy?.proration_billing_mode_on_downgrade : policy?.proration_billing_mode_on_upgrade;
  const effectiveAt = downgrade ? policy?.effective_at_on_downgrade : policy?.effective_at_on_upgrade;
  return {
    proration_billing_mode: mode ?? DEFAULT_PRORATION_BILLING_MODE,
    effective_at: effectiveAt ?? DEFAULT_EFFECTIVE_AT,
  };
}

export function onPaymentFailureOf(policy: PlanChangePolicy | null, requested: OnPaymentFailure | undefined): OnPaymentFailure {
  return requested ?? policy?.on_payment_failure ?? DEFAULT_ON_PAYMENT_FAILURE;
}

export interface Permission {
  allowed: boolean;
  /** Why not, in words an assistant can repeat; null when allowed. */
  reason: string | null;
}

/**
 * Whether a collection lets a subscriber make this move (SPEC D7, seed 001): downgrades need
 * allow_downgrades; upgrades and equal-priced moves need allow_upgrades; with force_same_billing_interval
 * only plans on the same interval are offered (monthly ↔ monthly). Binds the portal and
 * list_plan_change_options, never the merchant's change_subscription_plan.
 */
export function permissionFor(policy: PlanChangePolicy | null, direction: PlanDirection, sameInterval: boolean): Permission {
  if (policy === null) return { allowed: true, reason: null };
  if (direction === 'downgrade' && !policy.allow_downgrades) {
    return { allowed: false, reason: 'the collection does not allow downgrades (allow_downgrades is false)' };
  }
  if (direction !== 'downgrade' && !policy.allow_upgrades) {
    const what = direction === 'same' ? 'equal-priced moves, which follow upgrades' : 'upgrades';
    return { allowed: false, reason: `the collection does not allow ${what} (allow_upgrades is false)` };
  }
  if (policy.force_same_billing_interval && !sameInterval) {
    return { allowed: false, reason: 'the collection only offers plans on the same billing interval (force_same_billing_interval)' };
  }
  return { allowed: true, reason: null };
}
