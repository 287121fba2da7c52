// Rule under test: the money of an immediate plan change, SPEC §2.4 and the worked examples of §3
// (Basic 3000, Pro 8000, period 2025-04-01 → 05-01, change on 04-11, f = 20/30), with D2 and D3.
import { describe, expect, test } from 'vitest';
import { type ProrationMode, prorate } from '../../src/engine/proration/proration.js';

const periodStart = Date.parse('2025-04-01T00:00:00Z');
const periodEnd = Date.parse('2025-05-01T00:00:00Z');
const day10 = Date.parse('2025-04-11T00:00:00Z');

/** A plan of one item per total, or of its items: [Basic 3000, 2 seats 1000]. */
function change(oldPlan: number | number[], newPlan: number | number[], mode: ProrationMode, now = day10, paid?: number) {
  const { charge, credit, resetsCycle } = prorate({
    oldItems: typeof oldPlan === 'number' ? [oldPlan] : oldPlan,
    newItems: typeof newPlan === 'number' ? [newPlan] : newPlan,
    periodStart,
    periodEnd,
    now,
    mode,
    ...(paid !== undefined && { paidForCurrentPeriod: paid }),
  });
  return { charge, credit, resetsCycle };
}

describe('SPEC §3 worked examples', () => {
  test.each<[string, number | number[], number | number[], ProrationMode, number, number, boolean]>([
    ['A Basic→Pro prorated', 3000, 8000, 'prorated_immediately', 3333, 0, false],
    ['B Pro→Basic prorated', 8000, 3000, 'prorated_immediately', 0, 3333, false],
    ['C Basic→Pro difference', 3000, 8000, 'difference_immediately', 5000, 0, false],
    ['D Pro→Basic difference (D3: full difference credited)', 8000, 3000, 'difference_immediately', 0, 5000, false],
    ['E Basic→Pro full', 3000, 8000, 'full_immediately', 8000, 0, true],
    ["E' Pro→Basic full", 8000, 3000, 'full_immediately', 3000, 0, true],
    ['F Basic→Pro do_not_bill', 3000, 8000, 'do_not_bill', 0, 0, false],
    ['H addons and quantity, prorated (D2 per line: 5333 + 1000 − 2000 − 667)', [3000, 1000], [8000, 1500], 'prorated_immediately', 3666, 0, false],
    ['H difference', [3000, 1000], [8000, 1500], 'difference_immediately', 5500, 0, false],
    ['H full', [3000, 1000], [8000, 1500], 'full_immediately', 9500, 0, true],
    ['H addons: [] → 8000, prorated 5333 − 2000 − 667', [3000, 1000], [8000], 'prorated_immediately', 2666, 0, false],
    ['H quantity 2 → 5 of Basic, prorated 10000 − 4000', 6000, 15000, 'prorated_immediately', 6000, 0, false],
    ['K monthly 3000 → yearly 30000, difference', 3000, 30000, 'difference_immediately', 27000, 0, false],
    ['doc anchor: $30 → $80 difference charges $50', 3000, 8000, 'difference_immediately', 5000, 0, false],
    ['doc anchor: Plus $50 → Starter $20 credits $30', 5000, 2000, 'difference_immediately', 0, 3000, false],
  ])('%s', (_name, oldTotal, newTotal, mode, charge, credit, resets) => {
    expect(change(oldTotal, newTotal, mode)).toEqual({ charge, credit, resetsCycle: resets });
  });

  test('C: difference mode charges the same on any day', () => {
    for (const day of ['2025-04-01T00:00:00Z', '2025-04-20T12:00:00Z', '2025-04-30T23:59:59Z']) {
      expect(change(3000, 8000, 'difference_immediately', Date.parse(day)).charge).toBe(5000);
    }
  });

  test('I: during a trial nothing was paid, so every charging mode charges the full 8000 and restarts', () => {
    const trialStart = Date.parse('2025-04-01T00:00:00Z');
    const trialEnd = Date.parse('2025-04-15T00:00:00Z');
    const onApr5 = Date.parse('2025-04-05T00:00:00Z');
    for (const mode of ['prorated_immediately', 'difference_immediately', 'full_immediately'] as const) {
      expect(
        prorate({ oldItems: [3000], newItems: [8000], periodStart: trialStart, periodEnd: trialEnd, now: onApr5, mode, paidForCurrentPeriod: 0 }),
      ).toMatchObject({ charge: 8000, credit: 0, resetsCycle: true });
    }
    expect(
      prorate({
        oldItems: [3000],
        newItems: [8000],
        periodStart: trialStart,
        periodEnd: trialEnd,
        now: onApr5,
        mode: 'do_not_bill',
        paidForCurrentPeriod: 0,
      }),
    ).toMatchObject({ charge: 0, credit: 0, resetsCycle: false });
  });

  test('f is measured in seconds and clamped to the period', () => {
    expect(prorate({ oldItems: [3000], newItems: [8000], periodStart, periodEnd, now: day10, mode: 'prorated_immediately' }).factor).toEqual({
      remaining_seconds: 20 * 86400,
      period_seconds: 30 * 86400,
    });
    expect(change(3000, 8000, 'prorated_immediately', periodEnd + 1000).charge).toBe(0);
    expect(change(3000, 8000, 'prorated_immediately', periodStart).charge).toBe(5000);
  });
});
