import { addInterval } from '../calendar.js';
import type { ProrationBillingMode } from '../collections/types.js';
import { mulDivHalfUp } from '../money.js';
import type { Interval } from '../products/types.js';
import { prorate } from '../proration/proration.js';
import { type PlanDirection, planDirection, sameBillingInterval } from './direction.js';

/** One billed item of a plan: the product line, or an addon line. Prices in minor units per unit per period. */
export interface PlanItem {
  type: 'subscription' | 'addon';
  /** The product id of a subscription line, the addon id of an addon line. */
  id: string;
  /** The product the line belongs to (an addon's parent). */
  product_id: string;
  name: string;
  quantity: number;
  unit_price: number;
}

/** A plan as billed: its items and how often. */
export interface Plan {
  items: PlanItem[];
  payment_frequency_count: number;
  payment_frequency_interval: Interval;
}

/** The current period of the subscription, epoch ms. */
export interface CurrentPeriod {
  previous_billing_date: number;
  next_billing_date: number;
  /** True while the subscription is in its unpaid trial (nothing paid for this period, SPEC §3 I). */
  in_trial: boolean;
}

/** A plan item with the share of the immediate charge billed on it. */
export interface QuotedLine extends PlanItem {
  /** Minor units of the charge billed on this line, before codes, credits and tax. */
  amount: number;
  /** True when `amount` is an adjustment (part of a period, or a price difference), not the item's price. */
  is_prorated: boolean;
  /** The fraction of the period the line pays for, six decimals ("0.666667"); null for a whole-price line. */
  proration_factor: string | null;
}

export interface Quote {
  /** unit × qty + Σ addon × qty of the current and the new plan, before codes (SPEC §2.4). */
  old_total: number;
  new_total: number;
  direction: PlanDirection;
  interval_changes: boolean;
  /** Minor units to charge now, before codes, credits and tax (≥ 0). */
  charge: number;
  /** Minor units to add to the subscription's credit (≥ 0); never both a charge and a credit. */
  credit: number;
  /** The change starts a new cycle now (full_immediately, a trial upgrade, an interval change). */
  resets_cycle: boolean;
  /** The new plan's items; their amounts sum to `charge`. */
  lines: QuotedLine[];
}

/** Σ unit_price × quantity: Basic 3000 + 2 seats × 500 = 4000 (SPEC §3 H). */
export function planTotal(plan: Pick<Plan, 'items'>): number {
  return plan.items.reduce((sum, item) => sum + item.unit_price * item.quantity, 0);
}

/**
 * The money of an immediate plan change, without touching anything: prorate() on the two plans' totals
 * (SPEC §2.4, §3, D2, D3), then the charge spread over the new plan's items in proportion to their price
 * (Pro 8000 + 3 seats × 500: 3666 → 3087 + 579), so invoice lines always sum to the charge.
 */
export function quoteChange(current: Plan, target: Plan, period: CurrentPeriod, mode: ProrationBillingMode, now: number): Quote {
  const old_total = planTotal(current);
  const new_total = planTotal(target);
  const interval_changes = !sameBillingInterval(current, target);
  const result = prorate({
    oldTotal: old_total,
    newTotal: new_total,
    periodStart: period.previous_billing_date,
    periodEnd: period.next_billing_date,
    now,
    mode,
    intervalChanges: interval_changes,
    ...(period.in_trial && { paidForCurrentPeriod: 0 }),
  });
  const fullPrice = result.charge === new_total && (mode === 'full_immediately' || (period.in_trial && result.resetsCycle));
  const is_prorated = result.charge > 0 && !fullPrice;
  const factor = !is_prorated
    ? null
    : mode === 'prorated_immediately' && !result.resetsCycle
      ? decimalFraction(result.factor.remaining_seconds, result.factor.period_seconds)
      : decimalFraction(1, 1);
  const amounts = allocate(
    result.charge,
    target.items.map((item) => item.unit_price * item.quantity),
  );
  return {
    old_total,
    new_total,
    direction: planDirection(
      { total: old_total, payment_frequency_count: current.payment_frequency_count, payment_frequency_interval: current.payment_frequency_interval },
      { total: new_total, payment_frequency_count: target.payment_frequency_count, payment_frequency_interval: target.payment_frequency_interval },
    ),
    interval_changes,
    charge: result.charge,
    credit: result.credit,
    resets_cycle: result.resetsCycle,
    lines: target.items.map((item, index) => ({
      ...item,
      amount: amounts[index] ?? 0,
      is_prorated,
      proration_factor: factor,
    })),
  };
}

/** The billing schedule of a subscription: period k starts at anchor + (k − anchor_period_index) × frequency. */
export interface Schedule {
  billing_anchor: number;
  anchor_period_index: number;
  period_index: number;
  previous_billing_date: number;
  next_billing_date: number;
}

/**
 * The schedule after a change takes effect at `at`:
 * - a reset (full_immediately, trial upgrade, interval change) starts a new period at `at`: Basic → Pro full
 *   on 04-11 gives 04-11 → 05-11 (SPEC §3 E), monthly → yearly gives 04-11 → 2026-04-11 (K);
 * - a new interval without a reset (do_not_bill, or a scheduled change at the renewal) keeps the current
 *   period and re-anchors at its end, so the next period runs on the new interval from next_billing_date;
 * - otherwise the schedule is unchanged (05-01 kept, A–D, F).
 * Periods only ever grow: a reset is the next period, never period 0 again.
 */
export function scheduleAfterChange(
  schedule: Schedule,
  target: Pick<Plan, 'payment_frequency_count' | 'payment_frequency_interval'>,
  change: { resets_cycle: boolean; interval_changes: boolean },
  at: number,
): Schedule {
  if (change.resets_cycle) {
    const period_index = schedule.period_index + 1;
    return {
      billing_anchor: at,
      anchor_period_index: period_index,
      period_index,
      previous_billing_date: at,
      next_billing_date: addInterval(at, target.payment_frequency_count, target.payment_frequency_interval),
    };
  }
  const kept: Schedule = {
    billing_anchor: schedule.billing_anchor,
    anchor_period_index: schedule.anchor_period_index,
    period_index: schedule.period_index,
    previous_billing_date: schedule.previous_billing_date,
    next_billing_date: schedule.next_billing_date,
  };
  if (change.interval_changes) {
    return { ...kept, billing_anchor: schedule.next_billing_date, anchor_period_index: schedule.period_index + 1 };
  }
  return kept;
}

/**
 * `total` split in proportion to `weights`, each share rounded down and the leftover units given to the
 * largest remainders (ties: the earlier line), so the shares always sum to `total`:
 * allocate(3666, [8000, 1500]) = [3087, 579]; allocate(100, [1, 1, 1]) = [34, 33, 33].
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map((_, index) => (index === 0 ? total : 0));
  const bigTotal = BigInt(total);
  const bigSum = BigInt(sum);
  const shares = weights.map((weight, index) => {
    const scaled = bigTotal * BigInt(weight);
    return { index, floor: scaled / bigSum, remainder: scaled % bigSum };
  });
  let left = bigTotal - shares.reduce((acc, s) => acc + s.floor, 0n);
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (left === 0n) break;
    share.floor += 1n;
    left -= 1n;
  }
  return shares.map((s) => Number(s.floor));
}

/** numerator / denominator with six decimals, half up: (20 days, 30 days) → "0.666667". */
export function decimalFraction(numerator: number, denominator: number): string {
  const millionths = mulDivHalfUp(numerator, 1_000_000, denominator);
  const whole = Math.floor(millionths / 1_000_000);
  return `${whole}.${String(millionths % 1_000_000).padStart(6, '0')}`;
}
