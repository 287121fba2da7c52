// Rule under test: money is integer minor units; proration multiplies before dividing and rounds once,
// half up (DESIGN "Money", SPEC §2.2 and §3 worked numbers).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { basisPointsOf, formatMoney, mulDivHalfUp, percentOf } from '../../src/engine/money.js';

describe('mulDivHalfUp', () => {
  test.each([
    // SPEC §3 A: round(8000 × 20/30) = 5333, round(3000 × 20/30) = 2000
    [8000, 20, 30, 5333],
    [3000, 20, 30, 2000],
    // SPEC §3 H: round(9500 × ⅔) = 6333, round(4000 × ⅔) = 2667
    [9500, 20, 30, 6333],
    [4000, 20, 30, 2667],
    // exact halves round up, and away from zero when negative
    [5, 1, 2, 3],
    [-5, 1, 2, -3],
    [1, 1, 3, 0],
    [2, 1, 3, 1],
  ])('%i × %i ÷ %i = %i', (a, b, c, expected) => {
    expect(mulDivHalfUp(a, b, c)).toBe(expected);
  });

  test('stays exact where floats would not: 10⁹ cents × a year of seconds', () => {
    const year = 365 * 24 * 3600;
    expect(mulDivHalfUp(1_000_000_000, year - 1, year)).toBe(999_999_968);
  });

  test('property: the same as exact BigInt arithmetic, small numbers (the double path) and large (BigInt)', () => {
    const reference = (a: number, b: number, c: number): number => {
      let product = BigInt(a) * BigInt(b);
      let divisor = BigInt(c);
      if (divisor < 0n) [product, divisor] = [-product, -divisor];
      const magnitude = product < 0n ? -product : product;
      const rounded = (magnitude * 2n + divisor) / (divisor * 2n);
      return Number(product < 0n ? -rounded : rounded);
    };
    const integer = (max: number) => fc.integer({ min: -max, max });
    const divisor = (max: number) => integer(max).filter((c) => c !== 0);
    for (const max of [100, 100_000, 2 ** 26, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      fc.assert(
        fc.property(integer(max), integer(max), divisor(max), (a, b, c) => {
          expect(Object.is(mulDivHalfUp(a, b, c), reference(a, b, c))).toBe(true);
        }),
        { numRuns: 2000 },
      );
    }
    // At the edge of the double path: a × b × 2 + c × 2 just below and at 2⁵³.
    const edge = 2 ** 52;
    for (const [a, b, c] of [
      [edge - 4, 1, 1],
      [edge - 1, 1, 1],
      [-(edge - 3), 1, 1],
      [edge - 8, 1, -3],
      [0, 5, -3],
      [-0, 5, 3],
    ] as const) {
      expect(Object.is(mulDivHalfUp(a, b, c), reference(a, b, c))).toBe(true);
    }
  });

  test('refuses fractions and a zero divisor', () => {
    expect(() => mulDivHalfUp(1.5, 1, 1)).toThrow();
    expect(() => mulDivHalfUp(1, 1, 0)).toThrow();
  });
});

describe('percent and basis points', () => {
  test('whole percent of a price, half up: 10 % of 2999 = 300', () => {
    expect(percentOf(2999, 10)).toBe(300);
  });
  test('basis points: 540 bps of 10000 = 540 (5.4 %)', () => {
    expect(basisPointsOf(10_000, 540)).toBe(540);
    expect(basisPointsOf(3333, 10_000)).toBe(3333);
  });
});

test('formatMoney is for people: 3333 USD = $33.33, 150000 INR = ₹1,500.00', () => {
  expect(formatMoney(3333, 'USD')).toBe('$33.33');
  expect(formatMoney(150_000, 'INR')).toBe('₹1,500.00');
  expect(formatMoney(-5, 'USD')).toBe('-$0.05');
});
