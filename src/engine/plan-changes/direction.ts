import { nominalDays } from '../calendar.js';
import type { Interval } from '../products/types.js';

/** Which way a plan change goes (SPEC D7). */
export const PLAN_DIRECTIONS = ['upgrade', 'downgrade', 'same'] as const;
export type PlanDirection = (typeof PLAN_DIRECTIONS)[number];

/** A plan's recurring amount and how often it is billed. */
export interface RecurringAmount {
  /** Minor units per period, before codes: unit × qty + Σ addon × qty. */
  total: number;
  payment_frequency_count: number;
  payment_frequency_interval: Interval;
}

/**
 * SPEC D7: a change is an upgrade when the target's recurring amount per day is higher than the current
 * one, a downgrade when lower, `same` when equal. Days per interval are nominal (30 per month, 365 per
 * year), so monthly 3000 (100/day) → yearly 30000 (82.19/day) is a downgrade, and monthly 3000 → Pro
 * monthly 8000 an upgrade. Compared by cross-multiplying, never by dividing: 3000 × 365 vs 30000 × 30.
 */
export function planDirection(current: RecurringAmount, target: RecurringAmount): PlanDirection {
  const currentDays = BigInt(nominalDays(current.payment_frequency_count, current.payment_frequency_interval));
  const targetDays = BigInt(nominalDays(target.payment_frequency_count, target.payment_frequency_interval));
  const currentScaled = BigInt(current.total) * targetDays;
  const targetScaled = BigInt(target.total) * currentDays;
  if (targetScaled > currentScaled) return 'upgrade';
  if (targetScaled < currentScaled) return 'downgrade';
  return 'same';
}

type Frequency = Pick<RecurringAmount, 'payment_frequency_count' | 'payment_frequency_interval'>;

/**
 * True when both plans renew on the same calendar step, so the current period can simply continue: 1 Month
 * and 1 Month, 1 Year and 12 Month, 1 Week and 7 Day; not 1 Month and 3 Month, nor 1 Month and 30 Day
 * (calendar months are not 30-day blocks).
 */
export function sameBillingInterval(a: Frequency, b: Frequency): boolean {
  const stepA = calendarStep(a);
  const stepB = calendarStep(b);
  return stepA.unit === stepB.unit && stepA.count === stepB.count;
}

function calendarStep(f: Frequency): { unit: 'day' | 'month'; count: number } {
  switch (f.payment_frequency_interval) {
    case 'Day':
      return { unit: 'day', count: f.payment_frequency_count };
    case 'Week':
      return { unit: 'day', count: f.payment_frequency_count * 7 };
    case 'Month':
      return { unit: 'month', count: f.payment_frequency_count };
    case 'Year':
      return { unit: 'month', count: f.payment_frequency_count * 12 };
  }
}
