import { mulDivHalfUp } from '../money.js';

export const PRORATION_MODES = ['prorated_immediately', 'difference_immediately', 'full_immediately', 'do_not_bill'] as const;
export type ProrationMode = (typeof PRORATION_MODES)[number];

export interface ProrationInput {
  /** What each item of the current plan bills per period, before codes: unit × qty (base, then addons). */
  oldItems: readonly number[];
  /** The same for the plan being moved to. */
  newItems: readonly number[];
  /** Start and end of the current period and the moment of the change, epoch ms. */
  periodStart: number;
  periodEnd: number;
  now: number;
  mode: ProrationMode;
  /**
   * What was actually paid for the current period. During a trial it is 0, so nothing unused is credited
   * and the whole new price is due (SPEC §3 I).
   */
  paidForCurrentPeriod?: number;
  /**
   * The new plan renews on another interval (monthly → yearly). Every charging mode then starts a new cycle
   * now, so the new plan is billed whole and only the old side is prorated (SPEC §3 K).
   */
  intervalChanges?: boolean;
}

/** remaining / period: the share of a period a line bills; 1/1 for a whole period. */
export interface Fraction {
  remaining_seconds: number;
  period_seconds: number;
}

/** Proration factors are stated, and bill, to six decimals: 20 of 30 days is 666,667 millionths. */
export const FACTOR_SCALE = 1_000_000;

/**
 * One side of the change, item by item: the new plan's items billed (amounts ≥ 0), or the current plan's
 * items given back (amounts ≤ 0). `factor` is the share of a period each amount bills, in millionths
 * (1,000,000 for a whole period); null for a whole-price line that is no adjustment (full_immediately, a
 * trial upgrade).
 */
export interface ProrationSide {
  amounts: number[];
  factor: number | null;
}

export interface ProrationResult {
  /** Minor units to charge now (≥ 0): Σ new amounts + Σ old amounts when that is positive. */
  charge: number;
  /** Minor units to add to the subscription's credit (≥ 0): the same sum when it is negative. */
  credit: number;
  /** Remaining fraction of the current period, in seconds. */
  factor: Fraction;
  /** full_immediately (and trial upgrades) start a new cycle at `now`. */
  resetsCycle: boolean;
  /** The new plan's items billed now; empty amounts when nothing is. */
  new: ProrationSide;
  /** The current plan's items credited now (negative); empty amounts when nothing is. */
  old: ProrationSide;
}

/**
 * The money of an immediate plan change (SPEC §2.4, §3, D2, D3), item by item, so every line of the
 * charge explains itself: amount = unit × qty × factor, the factor f in seconds stated to six decimals,
 * rounded half up line by line (D2's "each side is rounded before the difference", applied to each line of
 * a side). Basic 3000 → Pro 8000
 * on day 10 of a 30-day period (f = 20/30):
 * - prorated_immediately: Pro 8000 × f = 5333, unused Basic −(3000 × f) = −2000, 3333 charged (A); the
 *   reverse credits 3333 (B). With seats (H): Pro 5333 + 3 seats 1000 − Basic 2000 − 2 seats 667 = 3666.
 * - difference_immediately: Pro 8000 − Basic 3000 = 5000 charged whatever the day (C); a downgrade credits
 *   the full difference, 5000 (D, D3).
 * - full_immediately: Pro 8000 charged, nothing credited, the cycle restarts now (E, E′).
 * - do_not_bill: nothing either way; the plan switches and the period stays (F).
 * During a trial nothing was paid, so every charging mode charges the full new price and restarts the
 * cycle (I); do_not_bill keeps the trial.
 * An interval change (monthly 3000 → yearly 30000 on day 10, K) restarts the cycle in every charging mode
 * and bills the new plan whole: prorated 30000 − round(3000 f) = 28000; difference 27000; full 30000.
 * A single-item plan gives round(new_total f) − round(old_total f); with several items the lines are
 * rounded one by one, which can differ from rounding the totals by a unit per line.
 */
export function prorate(input: ProrationInput): ProrationResult {
  const periodSeconds = Math.max(1, Math.round((input.periodEnd - input.periodStart) / 1000));
  const remainingSeconds = Math.min(periodSeconds, Math.max(0, Math.round((input.periodEnd - input.now) / 1000)));
  const factor: Fraction = { remaining_seconds: remainingSeconds, period_seconds: periodSeconds };
  // f from seconds, stated to six decimals, and the stated figure is what bills, so anyone can check a line:
  // 21 of 31 days is 0.677419, and Pro 3000 × 0.677419 = 2032.257 → 2032.
  const left = mulDivHalfUp(remainingSeconds, FACTOR_SCALE, periodSeconds);
  const whole = FACTOR_SCALE;
  const nothing: ProrationSide = { amounts: [], factor: null };
  const part = (items: readonly number[], factor: number, sign: 1 | -1): ProrationSide => ({
    amounts: items.map((item) => sign * mulDivHalfUp(item, factor, FACTOR_SCALE)),
    factor,
  });
  const settle = (newSide: ProrationSide, oldSide: ProrationSide, resetsCycle: boolean): ProrationResult => {
    const net = [...newSide.amounts, ...oldSide.amounts].reduce((sum, amount) => sum + amount, 0);
    return { charge: Math.max(net, 0), credit: Math.max(-net, 0), factor, resetsCycle, new: newSide, old: oldSide };
  };
  if (input.mode === 'do_not_bill') return settle(nothing, nothing, false);

  const inTrial = input.paidForCurrentPeriod === 0 && input.oldItems.some((item) => item > 0);
  if (input.mode === 'full_immediately' || inTrial) {
    return settle({ amounts: [...input.newItems], factor: null }, nothing, true);
  }
  const resetsCycle = input.intervalChanges === true;
  if (input.mode === 'difference_immediately') {
    return settle(part(input.newItems, whole, 1), part(input.oldItems, whole, -1), resetsCycle);
  }
  return settle(part(input.newItems, resetsCycle ? whole : left, 1), part(input.oldItems, left, -1), resetsCycle);
}
