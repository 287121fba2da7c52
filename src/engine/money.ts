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
    throw new BillingError('UNSUPPORTED_CURRENCY', `currency ${value} is not supported`, `use one of ${SUPPORTED_CURRENCIES.join(', ')}`);
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
  // Prices, percentages and tax rates stay far below 2⁵³: then the same sum in doubles is exact (a
  // product and a sum of safe integers that is itself safe is exact, and the floor of a quotient of
  // integers below 2⁵³ is exact), and BigInt's ~1 µs a call is a renewal's every line, several times.
  const small = Math.abs(a * b);
  const by = Math.abs(c);
  if (Number.isSafeInteger(small * 2 + by * 2)) {
    const rounded = Math.floor((small * 2 + by) / (by * 2));
    return rounded !== 0 && a * b < 0 !== c < 0 ? -rounded : rounded;
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

/** A decimal as digits × 10^−scale, exactly: "0.05" → {digits: 5n, scale: 2}; "1e3" → {1000n, 0}. */
export interface ExactDecimal {
  digits: bigint;
  scale: number;
}

const DECIMAL_PATTERN = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Parses a plain decimal string ("2", "0.5", "12.125", also "1e-7"); undefined when it is not one. */
export function parseDecimal(text: string): ExactDecimal | undefined {
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '0', fraction = '', exponent = '0'] = match;
  let digits = BigInt(`${whole}${fraction}`);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: sign === '-' ? -digits : digits, scale };
}

/** A finite number as an exact decimal string of what it prints as: 1500 → "1500", 0.1 + 0.2 → "0.30000000000000004". */
export function decimalOf(value: number): ExactDecimal {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  const parsed = parseDecimal(String(value));
  if (!parsed) throw new Error(`cannot read ${value} as a decimal`);
  return parsed;
}

/** The shortest plain decimal text of an exact decimal: {15n, 1} → "1.5". */
export function formatDecimal(value: ExactDecimal): string {
  const negative = value.digits < 0n;
  const text = (negative ? -value.digits : value.digits).toString().padStart(value.scale + 1, '0');
  const whole = text.slice(0, text.length - value.scale);
  const fraction = text.slice(text.length - value.scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * units × price rounded once, half up, to whole minor units, exactly (no floats): 1500 × "2" = 3000;
 * 15 × "5" = 75; 3 × "0.5" = 1.5 → 2; 2.5 × "0.3" = 0.75 → 1. Both sides are decimals; the product is
 * taken on scaled integers and rounded at the end.
 */
export function multiplyHalfUp(units: ExactDecimal, price: ExactDecimal): number {
  const product = units.digits * price.digits;
  const divisor = 10n ** BigInt(units.scale + price.scale);
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const rounded = (magnitude * 2n + divisor) / (divisor * 2n);
  const result = Number(negative ? -rounded : rounded);
  if (!Number.isSafeInteger(result)) throw new Error(`usage amount ${rounded} is beyond safe integers`);
  return result;
}

/** a − b on exact decimals. */
export function subtractDecimals(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  const scale = Math.max(a.scale, b.scale);
  return { digits: a.digits * 10n ** BigInt(scale - a.scale) - b.digits * 10n ** BigInt(scale - b.scale), scale };
}
