import type { PlanChangePolicy } from '../collections/types.js';
import { DEFAULT_PLAN_CHANGE_SETTINGS, type EffectiveAt, type OnPaymentFailure, type ProrationBillingMode } from '../rules/plan-change-modes.js';
import type { PlanChangeDefaults } from '../settings/types.js';
import type { PlanDirection } from './direction.js';

/** The default of a merchant's change that omits effective_at: the API's (SPEC §2.4 "immediately default"). */
export const DEFAULT_EFFECTIVE_AT: EffectiveAt = 'immediately';

/**
 * Who asks for the change. The subscriber (the customer portal, and list_plan_change_options, which shows
 * what the portal offers) gets every default from the collection, its null fields read from the business
 * settings (SPEC D18). The merchant (change_subscription_plan and its preview) always sends a proration
 * mode; an omitted effective_at takes the collection's own value, else the API's `immediately` — never the
 * business setting, whose D18 default for downgrades is next_billing_date: D18 governs portal changes, and
 * the merchant's Pro → Basic on day 10 without effective_at still credits 3333 now (§3 B), with or without
 * a collection. on_payment_failure is the business setting for both (§2.4: apply_change is "the default
 * absent a business setting").
 */
export type ChangeRequester = 'subscriber' | 'merchant';

export interface DirectionDefaults {
  proration_billing_mode: ProrationBillingMode;
  effective_at: EffectiveAt;
}

/**
 * The defaults for a direction (SPEC D7, D18): a downgrade reads the `_on_downgrade` fields, an upgrade or
 * an equal-priced move the `_on_upgrade` ones ("equal is allowed whenever upgrades are"). A null collection
 * field, or no collection, reads the business setting (for a merchant's effective_at: `immediately`).
 * Default settings: a subscriber's downgrade is prorated_immediately at next_billing_date, an upgrade
 * prorated_immediately now.
 */
export function directionDefaults(
  policy: PlanChangePolicy | null,
  direction: PlanDirection,
  settings: PlanChangeDefaults = DEFAULT_PLAN_CHANGE_SETTINGS,
  requester: ChangeRequester = 'merchant',
): DirectionDefaults {
  const downgrade = direction === 'downgrade';
  const mode = downgrade ? policy?.proration_billing_mode_on_downgrade : policy?.proration_billing_mode_on_upgrade;
  const effectiveAt = downgrade ? policy?.effective_at_on_downgrade : policy?.effective_at_on_upgrade;
  const inherited = downgrade ? settings.effective_at_on_downgrade : settings.effective_at_on_upgrade;
  return {
    proration_billing_mode: mode ?? (downgrade ? settings.proration_billing_mode_on_downgrade : settings.proration_billing_mode_on_upgrade),
    effective_at: effectiveAt ?? (requester === 'subscriber' ? inherited : DEFAULT_EFFECTIVE_AT),
  };
}

/** The request's on_payment_failure, else the collection's, else the business setting (SPEC §2.4, D18). */
export function onPaymentFailureOf(
  policy: PlanChangePolicy | null,
  requested: OnPaymentFailure | undefined,
  settings: PlanChangeDefaults = DEFAULT_PLAN_CHANGE_SETTINGS,
): OnPaymentFailure {
  return requested ?? policy?.on_payment_failure ?? settings.on_payment_failure;
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
