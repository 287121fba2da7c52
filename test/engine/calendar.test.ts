// Rule under test: period boundaries are calendar maths from the anchor day with month-end clamping
// (DESIGN "Time"; SPEC §2.3 renewal dates; AMBIG-18 settled as Jan 31 → Feb 28/29 → Mar 31).
import { describe, expect, test } from 'vitest';
import { addInterval, nominalDays, periodBoundary } from '../../src/engine/calendar.js';
import type { Interval } from '../../src/engine/products/types.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('addInterval', () => {
  test.each<[string, number, Interval, string]>([
    ['2025-01-31', 1, 'Month', '2025-02-28'],
    ['2024-01-31', 1, 'Month', '2024-02-29'],
    ['2025-01-31', 2, 'Month', '2025-03-31'],
    ['2025-01-31', 3, 'Month', '2025-04-30'],
    ['2025-03-31', 1, 'Month', '2025-04-30'],
    ['2025-04-01', 1, 'Month', '2025-05-01'],
    ['2025-12-15', 1, 'Month', '2026-01-15'],
    ['2025-11-30', 3, 'Month', '2026-02-28'],
    ['2024-02-29', 1, 'Year', '2025-02-28'],
    ['2024-02-29', 4, 'Year', '2028-02-29'],
    ['2025-04-01', 14, 'Day', '2025-04-15'],
    ['2025-04-01', 2, 'Week', '2025-04-15'],
  ])('%s + %i %s = %s', (start, count, interval, expected) => {
    expect(iso(addInterval(at(`${start}T00:00:00Z`), count, interval))).toBe(expected);
  });

  test('keeps the time of day', () => {
    expect(new Date(addInterval(at('2025-01-31T13:45:10Z'), 1, 'Month')).toISOString()).toBe('2025-02-28T13:45:10.000Z');
  });
});

test('every period is measured from the anchor, so a Jan 31 plan comes back to the 31st', () => {
  const anchor = at('2025-01-31T00:00:00Z');
  expect([1, 2, 3, 4, 5].map((k) => iso(periodBoundary(anchor, k, 1, 'Month')))).toEqual([
    '2025-02-28',
    '2025-03-31',
    '2025-04-30',
    '2025-05-31',
    '2025-06-30',
  ]);
});

test('nominal days per interval: 30 per month, 365 per year (SPEC D7)', () => {
  expect([nominalDays(1, 'Month'), nominalDays(1, 'Year'), nominalDays(2, 'Week'), nominalDays(3, 'Day')]).toEqual([30, 365, 14, 3]);
});
