import { addInterval } from '../calendar.js';
import type { ProrationBillingMode } from '../rules/plan-change-modes.js';
import { mulDivHalfUp } from '../money.js';
import type { Interval } from '../products/types.js';
import { FACTOR_SCALE, prorate } from '../proration/proration.js';
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

/**
 * One line of the immediate charge: amount = quantity × unit_price × proration_factor, rounded half up
 * (SPEC D2). The new plan's items bill positive lines; the unused part of the current plan comes back as
 * its own negative lines, one per item, with a negative unit price: Basic 1000 → Pro 3000 with 21 of 31
 * days left is "Pro 1 × 3000 × 0.677419 = 2032" and "Unused time on Basic 1 × −1000 × 0.677419 = −677",
 * 1355 in all.
 */
export interface QuotedLine extends PlanItem {
  /** Minor units this line bills, before codes, credits and tax; negative for a credited line. */
  amount: number;
  /** True when the line is an adjustment (part of a period, or netted with a credited line), not a whole price. */
  is_prorated: boolean;
  /** The fraction of a period the line bills, six decimals ("0.666667", "1.000000"); null for a whole-price line. */
  proration_factor: string | null;
}

export interface Quote {
  /** unit × qty + Σ addon × qty of the current and the new plan, before codes (SPEC §2.4). */
  old_total: number;
  new_total: number;
  direction: PlanDirection;
  interval_changes: boolean;
  /** Minor units to charge now, before codes, credits and tax (≥ 0): Σ line amounts when positive. */
  charge: number;
  /** Minor units to add to the subscription's credit (≥ 0): −Σ line amounts when negative. */
  credit: number;
  /** The change starts a new cycle now (full_immediately, a trial upgrade, an interval change). */
  resets_cycle: boolean;
  /** The new plan's lines, then the current plan's credited lines; they sum to charge − credit. Zero lines are left out. */
  lines: QuotedLine[];
}

/** Σ unit_price × quantity: Basic 3000 + 2 seats × 500 = 4000 (SPEC §3 H). */
export function planTotal(plan: Pick<Plan, 'items'>): number {
  return plan.items.reduce((sum, item) => sum + item.unit_price * item.quantity, 0);
}

/**
 * The money of an immediate plan change, without touching anything: prorate() item by item (SPEC §2.4,
 * §3, D2, D3). H prorated (Basic 3000 + 2 seats × 500 → Pro 8000 + 3 seats × 500, f = 20/30):
 * Pro 5333 + seats 1000 − unused Basic 2000 − unused seats 667 = 3666.
 */
export function quoteChange(current: Plan, target: Plan, period: CurrentPeriod, mode: ProrationBillingMode, now: number): Quote {
  const old_total = planTotal(current);
  const new_total = planTotal(target);
  const interval_changes = !sameBillingInterval(current, target);
  const result = prorate({
    oldItems: current.items.map((item) => item.unit_price * item.quantity),
    newItems: target.items.map((item) => item.unit_price * item.quantity),
    periodStart: period.previous_billing_date,
    periodEnd: period.next_billing_date,
    now,
    mode,
    intervalChanges: interval_changes,
    ...(period.in_trial && { paidForCurrentPeriod: 0 }),
  });
  // A change that nets a credited line against a billed one is an adjustment throughout: no line of it
  // is a price paid on its own (so no line of it can be refunded alone).
  const adjusts = result.old.amounts.length > 0 || result.new.factor !== null;
  const factorOf = (millionths: number | null) => (millionths === null ? null : decimalFraction(millionths, FACTOR_SCALE));
  const newLines = target.items.map((item, index): QuotedLine => ({
    ...item,
    amount: result.new.amounts[index] ?? 0,
    is_prorated: adjusts,
    proration_factor: factorOf(result.new.factor),
  }));
  const oldLines = current.items.map((item, index): QuotedLine => ({
    ...item,
    name: mode === 'difference_immediately' ? `${item.name}, credited in full` : `Unused time on ${item.name}`,
    unit_price: -item.unit_price,
    amount: result.old.amounts[index] ?? 0,
    is_prorated: true,
    proration_factor: factorOf(result.old.factor),
  }));
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
    lines: [...newLines, ...oldLines].filter((line) => line.amount !== 0),
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

/** numerator / denominator with six decimals, half up: (20 days, 30 days) → "0.666667". */
export function decimalFraction(numerator: number, denominator: number): string {
  const millionths = mulDivHalfUp(numerator, 1_000_000, denominator);
  const whole = Math.floor(millionths / 1_000_000);
  return `${whole}.${String(millionths % 1_000_000).padStart(6, '0')}`;
}
