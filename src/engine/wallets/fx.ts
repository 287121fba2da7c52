import { type Currency, mulDivHalfUp } from '../money.js';

/**
 * The one exchange rate of the embedded engine, fixed so totals are reproducible in test mode:
 * 1 USD = 83 INR, so 1 cent = 83 paise. The API converts at "current FX"; the engine has no feed.
 */
export const TEST_MODE_INR_PER_USD = 83;

/**
 * An amount in minor units of `currency` as US cents, rounded once, half up:
 * toUsdMinor(8300, 'INR') = 100 ($1.00), toUsdMinor(4150, 'INR') = 50, toUsdMinor(41, 'INR') = 0,
 * toUsdMinor(42, 'INR') = 1.
 */
export function toUsdMinor(amount: number, currency: Currency): number {
  switch (currency) {
    case 'USD':
      return amount;
    case 'INR':
      return mulDivHalfUp(amount, 1, TEST_MODE_INR_PER_USD);
  }
}
