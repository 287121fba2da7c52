import { addInterval, periodBoundary } from '../calendar.js';
import { iso } from '../clock.js';
import { BillingError } from '../errors.js';
import { inTrial } from '../rules/subscription-plan.js';
import type { Interval } from '../products/types.js';
import type { DueWorkKind, StoredSubscription, SubscriptionStatus } from './types.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** SPEC §2.3: a trial override is 0–10000 whole days. */
export const MAX_TRIAL_DAYS = 10_000;

/** 0–10000 whole days, else INVALID_REQUEST_PARAMETERS (as checkout's subscription_data, SPEC §2.1 rule 9). */
export function checkTrialDays(days: number): number {
  if (!Number.isInteger(days) || days < 0 || days > MAX_TRIAL_DAYS) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `trial_period_days must be a whole number from 0 to ${MAX_TRIAL_DAYS}, got ${days}`,
      'send e.g. 14, or 0 for no trial',
    );
  }
  return days;
}

/** A trial of `days` whole days starting at `start` ends exactly days × 24 h later: Apr 1 + 14 days = Apr 15. */
export function trialEnd(start: number, days: number): number {
  return start + days * DAY_MS;
}

type Schedule = Pick<StoredSubscription, 'billing_anchor' | 'anchor_period_index' | 'payment_frequency_count' | 'payment_frequency_interval'>;

/**
 * Where period k starts (k ≥ anchor_period_index), counted on the calendar from the anchor so month ends
 * clamp without drifting: anchor Jan 31 monthly → period 1 starts Feb 28, period 2 Mar 31, period 3 Apr 30.
 */
export function periodStart(sub: Schedule, k: number): number {
  const steps = k - sub.anchor_period_index;
  if (steps < 0) throw new Error(`period ${k} starts before the anchor period ${sub.anchor_period_index}`);
  return periodBoundary(sub.billing_anchor, steps, sub.payment_frequency_count, sub.payment_frequency_interval);
}

/** The end of the term (SPEC §2.3 expiry): 3 Month from Apr 1 → Jul 1; null without a term. */
export function termEnd(start: number, count: number | null, interval: Interval | null): number | null {
  if (count === null || interval === null) return null;
  return addInterval(start, count, interval);
}

/** An ISO-8601 instant strictly after `now`, else INVALID_REQUEST_PARAMETERS (SPEC §2.3: "must be in the future"). */
export function futureInstant(field: string, value: string, now: number): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new BillingError('INVALID_REQUEST_BODY', `${field} must be an ISO-8601 instant, got "${value}"`, 'send e.g. 2025-05-15T00:00:00Z');
  }
  if (ms <= now) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `${field} must be in the future; ${value} is not after now (${iso(now)})`,
      `send an instant after ${iso(now)}`,
    );
  }
  return ms;
}

/** What is due for one subscription next, and when. */
export interface DueItem {
  at: number;
  kind: DueWorkKind;
  /** The ledger key's period: the period being paid or closed. */
  period_index: number;
}

const LIVE_FOR_TERM: readonly SubscriptionStatus[] = ['active', 'on_hold'];

/**
 * The next piece of work a subscription has, if it is due by `until` (SPEC §2.3):
 * - its term ends (expires_at) while active or on hold → `expiry`; no renewal starts at or after expires_at,
 *   so a 3 Month term from Apr 1 bills May 1 and Jun 1 and expires Jul 1;
 * - else, active at next_billing_date: `scheduled_cancellation` when cancel_at_next_billing_date (no
 *   charge), else `trial_end` (the first paid period) or `renewal` — never for on-demand subscriptions.
 * At one instant expiry comes first, then cancellation, then billing.
 */
export function dueItemOf(sub: StoredSubscription, until: number): DueItem | null {
  const next = sub.next_billing_date;
  const expiresAt = sub.expires_at;
  const termEndsFirst = expiresAt !== null && (sub.status !== 'active' || expiresAt <= next);
  if (termEndsFirst && LIVE_FOR_TERM.includes(sub.status) && expiresAt <= until) {
    return { at: expiresAt, kind: 'expiry', period_index: sub.period_index };
  }
  if (sub.status !== 'active' || next > until) return null;
  if (expiresAt !== null && next >= expiresAt) return null;
  if (sub.cancel_at_next_billing_date) return { at: next, kind: 'scheduled_cancellation', period_index: sub.period_index + 1 };
  if (sub.on_demand) return null;
  return { at: next, kind: inTrial(sub) ? 'trial_end' : 'renewal', period_index: sub.period_index + 1 };
}

const KIND_ORDER: Record<DueWorkKind, number> = { expiry: 0, scheduled_cancellation: 1, trial_end: 2, renewal: 3 };

/** Time order; at one instant expiry, cancellation, then billing; then oldest subscription first. */
export function compareDue(
  a: { item: DueItem; sub: Pick<StoredSubscription, 'created_at' | 'subscription_id'> },
  b: { item: DueItem; sub: Pick<StoredSubscription, 'created_at' | 'subscription_id'> },
): number {
  return (
    a.item.at - b.item.at ||
    KIND_ORDER[a.item.kind] - KIND_ORDER[b.item.kind] ||
    a.sub.created_at - b.sub.created_at ||
    a.sub.subscription_id.localeCompare(b.sub.subscription_id)
  );
}
