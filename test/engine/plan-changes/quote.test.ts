// Rule under test: the pure money and dates of a plan change — prorate() with an interval change (SPEC §3 K),
// the D7 direction (amount per day, 30 days a month, 365 a year), the collection policy of D7 / seed 001,
// the charge spread over invoice lines that always sum to it, and the schedule after a change (E, K).
import { describe, expect, test } from 'vitest';
import { planDirection, sameBillingInterval } from '../../../src/engine/plan-changes/direction.js';
import { directionDefaults, onPaymentFailureOf, permissionFor } from '../../../src/engine/plan-changes/policy.js';
import { decimalFraction, type Plan, quoteChange, scheduleAfterChange } from '../../../src/engine/plan-changes/quote.js';
import type { PlanChangePolicy } from '../../../src/engine/collections/types.js';
import { prorate } from '../../../src/engine/proration/proration.js';

const apr1 = Date.parse('2025-04-01T00:00:00Z');
const apr11 = Date.parse('2025-04-11T00:00:00Z');
const may1 = Date.parse('2025-05-01T00:00:00Z');

describe('SPEC §3 K: an interval change restarts the cycle in every charging mode', () => {
  test.each([
    ['prorated_immediately', 28000, 0],
    ['difference_immediately', 27000, 0],
    ['full_immediately', 30000, 0],
  ] as const)('monthly 3000 → yearly 30000 on day 10, %s charges %i', (mode, charge, credit) => {
    const result = prorate({ oldItems: [3000], newItems: [30000], periodStart: apr1, periodEnd: may1, now: apr11, mode, intervalChanges: true });
    expect(result).toMatchObject({ charge, credit, resetsCycle: true });
  });

  test('do_not_bill neither charges nor restarts', () => {
    const result = prorate({
      oldItems: [3000],
      newItems: [30000],
      periodStart: apr1,
      periodEnd: may1,
      now: apr11,
      mode: 'do_not_bill',
      intervalChanges: true,
    });
    expect(result).toMatchObject({ charge: 0, credit: 0, resetsCycle: false });
  });

  test('yearly 30000 → monthly 3000 prorated credits the unused year beyond the new month', () => {
    const year = { periodStart: apr1, periodEnd: Date.parse('2026-04-01T00:00:00Z') };
    // 355 of 365 days left: round(30000 × 355/365) = 29178; 3000 − 29178 = −26178.
    const result = prorate({ oldItems: [30000], newItems: [3000], ...year, now: apr11, mode: 'prorated_immediately', intervalChanges: true });
    expect(result).toMatchObject({ charge: 0, credit: 26178, resetsCycle: true });
  });
});

describe('D7 direction: recurring amount per day', () => {
  test.each([
    [3000, 'Month', 8000, 'Month', 'upgrade'],
    [8000, 'Month', 3000, 'Month', 'downgrade'],
    [3000, 'Month', 3000, 'Month', 'same'],
    // 3000/30 = 100 a day; 30000/365 = 82.19 a day.
    [3000, 'Month', 30000, 'Year', 'downgrade'],
    // 36500/365 = 100 a day = 3000/30.
    [3000, 'Month', 36500, 'Year', 'same'],
    [3000, 'Month', 36501, 'Year', 'upgrade'],
    [700, 'Week', 100, 'Day', 'same'],
  ] as const)('%i per %s → %i per %s is %s', (a, ai, b, bi, direction) => {
    expect(
      planDirection(
        { total: a, payment_frequency_count: 1, payment_frequency_interval: ai },
        { total: b, payment_frequency_count: 1, payment_frequency_interval: bi },
      ),
    ).toBe(direction);
  });

  test('the same interval means the same calendar step', () => {
    const f = (count: number, interval: 'Day' | 'Week' | 'Month' | 'Year') => ({
      payment_frequency_count: count,
      payment_frequency_interval: interval,
    });
    expect(sameBillingInterval(f(1, 'Month'), f(1, 'Month'))).toBe(true);
    expect(sameBillingInterval(f(12, 'Month'), f(1, 'Year'))).toBe(true);
    expect(sameBillingInterval(f(1, 'Week'), f(7, 'Day'))).toBe(true);
    expect(sameBillingInterval(f(1, 'Month'), f(3, 'Month'))).toBe(false);
    expect(sameBillingInterval(f(1, 'Month'), f(30, 'Day'))).toBe(false);
  });
});

describe('D7 collection policy', () => {
  const policy = (overrides: Partial<PlanChangePolicy> = {}): PlanChangePolicy => ({
    allow_upgrades: true,
    allow_downgrades: true,
    force_same_billing_interval: false,
    proration_billing_mode_on_upgrade: null,
    proration_billing_mode_on_downgrade: null,
    effective_at_on_upgrade: null,
    effective_at_on_downgrade: null,
    on_payment_failure: null,
    ...overrides,
  });

  test('defaults: prorated_immediately and immediately unless the collection says otherwise per direction', () => {
    expect(directionDefaults(null, 'upgrade')).toEqual({ proration_billing_mode: 'prorated_immediately', effective_at: 'immediately' });
    const p = policy({
      proration_billing_mode_on_downgrade: 'difference_immediately',
      effective_at_on_downgrade: 'next_billing_date',
      proration_billing_mode_on_upgrade: 'full_immediately',
    });
    expect(directionDefaults(p, 'downgrade')).toEqual({ proration_billing_mode: 'difference_immediately', effective_at: 'next_billing_date' });
    expect(directionDefaults(p, 'upgrade')).toEqual({ proration_billing_mode: 'full_immediately', effective_at: 'immediately' });
    expect(directionDefaults(p, 'same')).toEqual({ proration_billing_mode: 'full_immediately', effective_at: 'immediately' });
  });

  test('on_payment_failure: the request, else the collection, else apply_change', () => {
    expect(onPaymentFailureOf(null, undefined)).toBe('apply_change');
    expect(onPaymentFailureOf(policy({ on_payment_failure: 'prevent_change' }), undefined)).toBe('prevent_change');
    expect(onPaymentFailureOf(policy({ on_payment_failure: 'prevent_change' }), 'apply_change')).toBe('apply_change');
  });

  test.each([
    ['no collection allows everything', null, 'downgrade', false, true],
    ['downgrades off', policy({ allow_downgrades: false }), 'downgrade', true, false],
    ['downgrades off leaves upgrades', policy({ allow_downgrades: false }), 'upgrade', true, true],
    ['upgrades off', policy({ allow_upgrades: false }), 'upgrade', true, false],
    ['equal price follows upgrades', policy({ allow_upgrades: false }), 'same', true, false],
    ['force_same_billing_interval refuses monthly → yearly', policy({ force_same_billing_interval: true }), 'upgrade', false, false],
    ['force_same_billing_interval keeps monthly → monthly', policy({ force_same_billing_interval: true }), 'upgrade', true, true],
  ] as const)('%s', (_name, p, direction, sameInterval, allowed) => {
    const permission = permissionFor(p, direction, sameInterval);
    expect(permission.allowed).toBe(allowed);
    expect(permission.reason === null).toBe(allowed);
  });
});

/** Each plan line reads amount = quantity × unit_price × factor, half up (issue: lines an assistant can explain). */
function explains(line: { quantity: number; unit_price: number; proration_factor: string | null; amount: number }): boolean {
  const millionths = Math.round(Number(line.proration_factor ?? '1') * 1_000_000);
  const exact = (line.quantity * line.unit_price * millionths) / 1_000_000;
  return line.amount === Math.sign(exact) * Math.round(Math.abs(exact));
}

describe('lines: each one explains itself, and they sum to the change', () => {
  test('Basic 1000 → Pro 3000 with 21 of 31 days left: Pro 2032, unused Basic −677, 1355 in all', () => {
    const basic: Plan = {
      items: [{ type: 'subscription', id: 'pdt_basic', product_id: 'pdt_basic', name: 'Basic', quantity: 1, unit_price: 1000 }],
      payment_frequency_count: 1,
      payment_frequency_interval: 'Month',
    };
    const pro: Plan = {
      ...basic,
      items: [{ type: 'subscription', id: 'pdt_pro', product_id: 'pdt_pro', name: 'Pro', quantity: 1, unit_price: 3000 }],
    };
    const may = { previous_billing_date: Date.parse('2025-05-01T00:00:00Z'), next_billing_date: Date.parse('2025-06-01T00:00:00Z'), in_trial: false };
    const quote = quoteChange(basic, pro, may, 'prorated_immediately', Date.parse('2025-05-11T00:00:00Z'));
    expect(quote.lines.map((l) => [l.name, l.quantity, l.unit_price, l.proration_factor, l.amount])).toEqual([
      ['Pro', 1, 3000, '0.677419', 2032],
      ['Unused time on Basic', 1, -1000, '0.677419', -677],
    ]);
    expect(quote).toMatchObject({ charge: 1355, credit: 0 });
    expect(quote.lines.every(explains)).toBe(true);
  });

  test('decimal fractions have six places, half up', () => {
    expect(decimalFraction(20, 30)).toBe('0.666667');
    expect(decimalFraction(1, 1)).toBe('1.000000');
    expect(decimalFraction(1, 3)).toBe('0.333333');
  });

  const basicWithSeats: Plan = {
    items: [
      { type: 'subscription', id: 'pdt_basic', product_id: 'pdt_basic', name: 'Basic', quantity: 1, unit_price: 3000 },
      { type: 'addon', id: 'adn_seat', product_id: 'pdt_basic', name: 'Seat', quantity: 2, unit_price: 500 },
    ],
    payment_frequency_count: 1,
    payment_frequency_interval: 'Month',
  };
  const proWithSeats: Plan = {
    items: [
      { type: 'subscription', id: 'pdt_pro', product_id: 'pdt_pro', name: 'Pro', quantity: 1, unit_price: 8000 },
      { type: 'addon', id: 'adn_seat', product_id: 'pdt_pro', name: 'Seat', quantity: 3, unit_price: 500 },
    ],
    payment_frequency_count: 1,
    payment_frequency_interval: 'Month',
  };
  const period = { previous_billing_date: apr1, next_billing_date: may1, in_trial: false };

  test('H prorated: Pro 5333 + seats 1000 − unused Basic 2000 − unused seats 667 = 3666, factor 0.666667', () => {
    const quote = quoteChange(basicWithSeats, proWithSeats, period, 'prorated_immediately', apr11);
    expect(quote).toMatchObject({ old_total: 4000, new_total: 9500, direction: 'upgrade', charge: 3666, credit: 0, resets_cycle: false });
    expect(quote.lines.map((l) => [l.type, l.id, l.name, l.quantity, l.unit_price, l.amount, l.is_prorated, l.proration_factor])).toEqual([
      ['subscription', 'pdt_pro', 'Pro', 1, 8000, 5333, true, '0.666667'],
      ['addon', 'adn_seat', 'Seat', 3, 500, 1000, true, '0.666667'],
      ['subscription', 'pdt_basic', 'Unused time on Basic', 1, -3000, -2000, true, '0.666667'],
      ['addon', 'adn_seat', 'Unused time on Seat', 2, -500, -667, true, '0.666667'],
    ]);
    expect(quote.lines.every(explains)).toBe(true);
    expect(quote.lines.reduce((sum, l) => sum + l.amount, 0)).toBe(quote.charge);
  });

  test('H difference: the whole new plan less the whole current one, 9500 − 4000 = 5500', () => {
    const quote = quoteChange(basicWithSeats, proWithSeats, period, 'difference_immediately', apr11);
    expect(quote.charge).toBe(5500);
    expect(quote.lines.map((l) => [l.name, l.amount, l.proration_factor])).toEqual([
      ['Pro', 8000, '1.000000'],
      ['Seat', 1500, '1.000000'],
      ['Basic, credited in full', -3000, '1.000000'],
      ['Seat, credited in full', -1000, '1.000000'],
    ]);
    expect(quote.lines.every(explains)).toBe(true);
  });

  test('H full: whole-price lines, not prorated, nothing credited, the cycle restarts', () => {
    const quote = quoteChange(basicWithSeats, proWithSeats, period, 'full_immediately', apr11);
    expect(quote).toMatchObject({ charge: 9500, resets_cycle: true });
    expect(quote.lines.map((l) => [l.amount, l.is_prorated, l.proration_factor])).toEqual([
      [8000, false, null],
      [1500, false, null],
    ]);
  });

  test('B: a downgrade shows its lines, summing to minus the credit, and charges nothing', () => {
    const quote = quoteChange(proWithSeats, basicWithSeats, period, 'prorated_immediately', apr11);
    expect(quote).toMatchObject({ charge: 0, credit: 3666, direction: 'downgrade' });
    expect(quote.lines.map((l) => l.amount)).toEqual([2000, 667, -5333, -1000]);
    expect(quote.lines.every(explains)).toBe(true);
  });

  test('A and B with one item each: 5333 − 2000 = 3333 charged, the reverse credited', () => {
    const basic: Plan = { ...basicWithSeats, items: basicWithSeats.items.slice(0, 1) };
    const pro: Plan = { ...proWithSeats, items: proWithSeats.items.slice(0, 1) };
    const a = quoteChange(basic, pro, period, 'prorated_immediately', apr11);
    expect(a.lines.map((l) => [l.name, l.unit_price, l.amount])).toEqual([
      ['Pro', 8000, 5333],
      ['Unused time on Basic', -3000, -2000],
    ]);
    expect(a.charge).toBe(3333);
    const b = quoteChange(pro, basic, period, 'prorated_immediately', apr11);
    expect(b.lines.map((l) => l.amount)).toEqual([2000, -5333]);
    expect(b).toMatchObject({ charge: 0, credit: 3333 });
  });

  test('do_not_bill has no lines', () => {
    expect(quoteChange(basicWithSeats, proWithSeats, period, 'do_not_bill', apr11).lines).toEqual([]);
  });

  test('I: in a trial every charging mode bills the whole new price', () => {
    const trial = { previous_billing_date: apr1, next_billing_date: Date.parse('2025-04-15T00:00:00Z'), in_trial: true };
    const quote = quoteChange(basicWithSeats, proWithSeats, trial, 'prorated_immediately', Date.parse('2025-04-05T00:00:00Z'));
    expect(quote).toMatchObject({ charge: 9500, resets_cycle: true });
    expect(quote.lines.every((l) => !l.is_prorated)).toBe(true);
  });
});

describe('the schedule after a change', () => {
  const schedule = { billing_anchor: apr1, anchor_period_index: 0, period_index: 0, previous_billing_date: apr1, next_billing_date: may1 };
  const monthly = { payment_frequency_count: 1, payment_frequency_interval: 'Month' } as const;
  const yearly = { payment_frequency_count: 1, payment_frequency_interval: 'Year' } as const;

  test('E: a reset starts the next period at the change, 04-11 → 05-11', () => {
    expect(scheduleAfterChange(schedule, monthly, { resets_cycle: true, interval_changes: false }, apr11)).toEqual({
      billing_anchor: apr11,
      anchor_period_index: 1,
      period_index: 1,
      previous_billing_date: apr11,
      next_billing_date: Date.parse('2025-05-11T00:00:00Z'),
    });
  });

  test('K: monthly → yearly restarts 04-11 → 2026-04-11', () => {
    expect(scheduleAfterChange(schedule, yearly, { resets_cycle: true, interval_changes: true }, apr11).next_billing_date).toBe(
      Date.parse('2026-04-11T00:00:00Z'),
    );
  });

  test('a new interval without a reset keeps 05-01 and anchors the new interval there', () => {
    expect(scheduleAfterChange(schedule, yearly, { resets_cycle: false, interval_changes: true }, apr11)).toEqual({
      ...schedule,
      billing_anchor: may1,
      anchor_period_index: 1,
    });
  });

  test('A–D, F: the schedule is kept', () => {
    expect(
      scheduleAfterChange({ ...schedule, status: 'active' } as typeof schedule, monthly, { resets_cycle: false, interval_changes: false }, apr11),
    ).toEqual(schedule);
  });
});
