import { mulDivHalfUp } from '../money.js';

export const PRORATION_MODES = ['prorated_immediately', 'difference_immediately', 'full_immediately', 'do_not_bill'] as const;
export type ProrationMode = (typeof PRORATION_MODES)[number];

export interface ProrationInput {
  /** Recurring amount of the current plan per period, before codes: base × qty + Σ addon × qty. */
  oldTotal: number;
  /** The same for the plan being moved to. */
  newTotal: number;
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

export interface ProrationResult {
  /** Minor units to charge now (≥ 0). */
  charge: number;
  /** Minor units to add to the subscription's credit (≥ 0). */
  credit: number;
  /** Remaining fraction of the period as seconds left / seconds in period, for line items. */
  factor: { remaining_seconds: number; period_seconds: number };
  /** full_immediately (and trial upgrades) start a new cycle at `now`. */
  resetsCycle: boolean;
  /** The rounded prorated amounts each side contributes (prorated mode), for line items. */
  newPortion: number;
  oldPortion: number;
}

/**
 * The money of an immediate plan change (SPEC §2.4, §3, D2, D3). Basic 3000 → Pro 8000 on day 10 of a
 * 30-day period (f = 20/30):
 * - prorated_immediately: round(8000 f) − round(3000 f) = 5333 − 2000 = 3333 charged (A); the reverse
 *   credits 3333 (B). Each side is rounded before the difference (D2): 9500 vs 4000 gives 3666, not 3667 (H).
 * - difference_immediately: 8000 − 3000 = 5000 charged whatever the day (C); a downgrade credits the full
 *   difference, 5000 (D, D3).
 * - full_immediately: 8000 charged, nothing credited, the cycle restarts now (E, E′).
 * - do_not_bill: nothing either way; the plan switches and the period stays (F).
 * During a trial nothing was paid, so every charging mode charges the full new price and restarts the
 * cycle (I); do_not_bill keeps the trial.
 * An interval change (monthly 3000 → yearly 30000 on day 10, K) restarts the cycle in every charging mode
 * and bills the new plan whole: prorated 30000 − round(3000 f) = 28000; difference 27000; full 30000.
 */
export function prorate(input: ProrationInput): ProrationResult {
  const periodSeconds = Math.max(1, Math.round((input.periodEnd - input.periodStart) / 1000));
  const remainingSeconds = Math.min(periodSeconds, Math.max(0, Math.round((input.periodEnd - input.now) / 1000)));
  const factor = { remaining_seconds: remainingSeconds, period_seconds: periodSeconds };
  const none = { charge: 0, credit: 0, factor, resetsCycle: false, newPortion: 0, oldPortion: 0 };
  if (input.mode === 'do_not_bill') return none;

  const inTrial = input.paidForCurrentPeriod === 0 && input.oldTotal > 0;
  if (input.mode === 'full_immediately' || inTrial) {
    return { ...none, charge: input.newTotal, resetsCycle: true, newPortion: input.newTotal };
  }
  const resetsCycle = input.intervalChanges === true;
  if (input.mode === 'difference_immediately') {
    const delta = input.newTotal - input.oldTotal;
    return { ...none, charge: Math.max(delta, 0), credit: Math.max(-delta, 0), resetsCycle };
  }
  const newPortion = resetsCycle ? input.newTotal : mulDivHalfUp(input.newTotal, remainingSeconds, periodSeconds);
  const oldPortion = mulDivHalfUp(input.oldTotal, remainingSeconds, periodSeconds);
  const delta = newPortion - oldPortion;
  return { ...none, charge: Math.max(delta, 0), credit: Math.max(-delta, 0), resetsCycle, newPortion, oldPortion };
}
