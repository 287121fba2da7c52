// Rule under test: SPEC §2.5 credit arithmetic — credit applies first and takes min(balance, charge) —
// and the fixed test-mode FX of total_balance_usd (1 USD = 83 INR, half up), as pure functions.
import { describe, expect, test } from 'vitest';
import { creditToApply } from '../../src/engine/wallets/credit.js';
import { toUsdMinor } from '../../src/engine/wallets/fx.js';

describe('creditToApply(balance, charge)', () => {
  test.each([
    // [balance, charge, used, balance after, charge after]
    [6000, 2000, 2000, 4000, 0], // SPEC §2.5 full coverage: $60 credit, $20 charge
    [6000, 10000, 6000, 0, 4000], // SPEC §2.5 partial coverage: $60 credit, $100 charge
    [0, 5000, 0, 0, 5000], // SPEC §2.5 no credit
    [5000, 5000, 5000, 0, 0],
    [5000, 0, 0, 5000, 0],
    [1, 1, 1, 0, 0],
  ])('balance %i, charge %i → used %i, balance %i, charge %i', (balance, charge, used, balance_after, charge_after) => {
    expect(creditToApply(balance, charge)).toEqual({ used, balance_after, charge_after });
  });

  test.each([
    [-1, 100],
    [100, -1],
    [10.5, 100],
    [100, Number.NaN],
  ])('balance %s, charge %s is a bug', (balance, charge) => {
    expect(() => creditToApply(balance, charge)).toThrow(/whole minor units/);
  });
});

describe('toUsdMinor', () => {
  test.each([
    [8300, 'INR', 100],
    [4150, 'INR', 50],
    [41, 'INR', 0],
    [42, 'INR', 1],
    [830000, 'INR', 10000],
    [1234, 'USD', 1234],
  ] as const)('%i %s = %i US cents', (amount, currency, cents) => {
    expect(toUsdMinor(amount, currency)).toBe(cents);
  });
});
