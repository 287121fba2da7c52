import { BillingError } from './errors.js';

/**
 * Money is an integer count of minor units (cents, paise) plus an ISO currency: 3000 USD = $30.00.
 * The catalogue accepts USD and INR, as the Dodo docs say ("Only USD and INR products supported").
 */
export const SUPPORTED_CURRENCIES = ['USD', 'INR'] as const;
export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

const MINOR_UNIT_DIGITS: Record<Currency, number> = { USD: 2, INR: 2 };
const SYMBOLS: Record<Currency, string> = { USD: '$', INR: '₹' };

export function isSupportedCurrency(value: string): value is Currency {
  return (SUPPORTED_CURRENCIES as readonly string[]).includes(value);
}

export function assertCurrency(value: string): Currency {
  const upper = value.toUpperCase();
  if (!isSupportedCurrency(upper)) {
    throw new BillingError(
      'UNSUPPORTED_CURRENCY',
      `currency ${value} is not supported`,
      `use one of ${SUPPORTED_CURRENCIES.join(', ')}`,
    );
  }
  return upper;
}

/**
 * a × b ÷ c rounded half up, exact for any integers (BigInt inside, so 10⁹ cents × 3×10⁷ seconds
 * does not lose precision). Multiplying before dividing is what keeps proration exact:
 * mulDivHalfUp(8000, 20, 30) = 5333 and mulDivHalfUp(4000, 20, 30) = 2667.
 */
export function mulDivHalfUp(a: number, b: number, c: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(c) || c === 0) {
    throw new Error(`mulDivHalfUp needs safe integers and a non-zero divisor (${a} × ${b} ÷ ${c})`);
  }
  let product = BigInt(a) * BigInt(b);
  let divisor = BigInt(c);
  if (divisor < 0n) {
    product = -product;
    divisor = -divisor;
  }
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  // Half up means half away from zero for a negative amount: −2.5 → −3, as for +2.5 → 3.
  const rounded = (magnitude * 2n + divisor) / (divisor * 2n);
  return Number(negative ? -rounded : rounded);
}

/** `percent` whole percent of an amount, half up: percentOf(2999, 10) = 300. */
export function percentOf(amount: number, percent: number): number {
  return mulDivHalfUp(amount, percent, 100);
}

/** Basis points of an amount, half up: basisPointsOf(10000, 540) = 540 (5.4 %). */
export function basisPointsOf(amount: number, basisPoints: number): number {
  return mulDivHalfUp(amount, basisPoints, 10_000);
}

/** For people, not for maths: formatMoney(3333, 'USD') = "$33.33". */
export function formatMoney(amount: number, currency: string): string {
  const digits = isSupportedCurrency(currency) ? MINOR_UNIT_DIGITS[currency] : 2;
  const symbol = isSupportedCurrency(currency) ? SYMBOLS[currency] : `${currency} `;
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  const scale = 10 ** digits;
  const whole = Math.floor(abs / scale).toLocaleString('en-US');
  const fraction = String(abs % scale).padStart(digits, '0');
  return `${sign}${symbol}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}
