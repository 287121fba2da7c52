import { BillingError } from '../errors.js';

/**
 * The test processor's card table (SPEC §5). Dodo's own test cards plus the PROPOSED Stripe-style failure
 * cards; any other Luhn-valid, unexpired number succeeds. Pure: the processor imports it too, so a card
 * saved at checkout and a card charged later get the same verdict.
 */

/** Failure codes a test card (or set_payment_method_test_behavior) can carry: SPEC §5 table, then the
 *  never-retry codes of the transaction-failure catalogue so retry policies can be exercised. */
export const TEST_FAILURE_CODES = [
  'CARD_DECLINED',
  'INSUFFICIENT_FUNDS',
  'EXPIRED_CARD',
  'PROCESSING_ERROR',
  'LOST_CARD',
  'STOLEN_CARD',
  'AUTHENTICATION_REQUIRED',
  'DO_NOT_HONOR',
  'FRAUDULENT',
  'PICKUP_CARD',
  'AUTHENTICATION_FAILURE',
] as const;
export type TestFailureCode = (typeof TEST_FAILURE_CODES)[number];

/** Card network names as the API reports them (Hyperswitch's CardNetwork spelling). */
export const CARD_BRANDS = ['Visa', 'Mastercard', 'AmericanExpress', 'Discover', 'JCB', 'DinersClub', 'RuPay', 'Unknown'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

interface KnownCard {
  country: string;
  failure_code: TestFailureCode | null;
}

/** SPEC §5: 4242… succeeds (US), 6074… succeeds (India), 0002 and 0127 decline, the rest are PROPOSED. */
export const TEST_CARDS: Readonly<Record<string, KnownCard>> = {
  '4242424242424242': { country: 'US', failure_code: null },
  '6074825972083818': { country: 'IN', failure_code: null },
  '4000000000000002': { country: 'US', failure_code: 'CARD_DECLINED' },
  // AMBIG-25: "Declined (India)" in the Dodo docs; reported as CARD_DECLINED.
  '4000000000000127': { country: 'IN', failure_code: 'CARD_DECLINED' },
  '4000000000009995': { country: 'US', failure_code: 'INSUFFICIENT_FUNDS' },
  '4000000000000069': { country: 'US', failure_code: 'EXPIRED_CARD' },
  '4000000000000119': { country: 'US', failure_code: 'PROCESSING_ERROR' },
  '4000000000009987': { country: 'US', failure_code: 'LOST_CARD' },
  '4000000000009979': { country: 'US', failure_code: 'STOLEN_CARD' },
  '4000002500003155': { country: 'US', failure_code: 'AUTHENTICATION_REQUIRED' },
};

export interface TestCard {
  brand: CardBrand;
  last4: string;
  /** ISO-2 issuing country: from the table, else IN for RuPay and US for every other brand (PROPOSED). */
  country: string;
  /** Four digits: a two-digit year (32) means 2032. */
  exp_year: number;
  /** Null: charges succeed. Otherwise every charge on this card fails with this code. */
  failure_code: TestFailureCode | null;
}

/** The Luhn checksum every real card number passes: 4242424242424242 passes, 4242424242424241 does not. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const between = (value: number, low: number, high: number) => value >= low && value <= high;

/**
 * The network from the leading digits (IIN ranges): Visa 4; Mastercard 51–55 and 2221–2720; Amex 34, 37;
 * Discover 6011 and 644–649; JCB 3528–3589; Diners 36, 38 and 300–305; RuPay 60, 65, 81, 82 and 508.
 * Discover's 6011 is checked before RuPay's 60; 65 is read as RuPay, the Indian test card network.
 */
export function cardBrand(digits: string): CardBrand {
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  if (digits.startsWith('4')) return 'Visa';
  if (between(p2, 51, 55) || between(p4, 2221, 2720)) return 'Mastercard';
  if (p2 === 34 || p2 === 37) return 'AmericanExpress';
  if (p4 === 6011 || between(p3, 644, 649)) return 'Discover';
  if (between(p4, 3528, 3589)) return 'JCB';
  if (p2 === 36 || p2 === 38 || between(p3, 300, 305)) return 'DinersClub';
  if (p2 === 60 || p2 === 65 || p2 === 81 || p2 === 82 || p3 === 508) return 'RuPay';
  return 'Unknown';
}

function invalidCard(message: string, nextStep: string): BillingError {
  return new BillingError('INVALID_REQUEST_BODY', message, nextStep);
}

/**
 * What the test processor makes of a card: brand, last four digits, country and the failure code its
 * charges will carry. Spaces and dashes in the number are ignored. A number that is not 12–19 digits or
 * fails the Luhn check, a month outside 1–12, or an expiry before `now` is INVALID_REQUEST_BODY — the
 * card is never saved. A card is good through the last instant of its expiry month (UTC): 06/2032 works
 * until 2032-07-01T00:00Z. 4000000000000069 is well-formed and unexpired; it is its charges that fail
 * with EXPIRED_CARD.
 */
export function describeTestCard(number: string, exp_month: number, exp_year: number, now: number): TestCard {
  const digits = number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) {
    throw invalidCard('card number must be 12–19 digits', 'use a test card such as 4242 4242 4242 4242');
  }
  if (!luhnValid(digits)) {
    throw invalidCard(
      `card number ending ${digits.slice(-4)} fails the Luhn check`,
      'check the digits, or use a test card such as 4242 4242 4242 4242',
    );
  }
  if (!Number.isInteger(exp_month) || exp_month < 1 || exp_month > 12) {
    throw invalidCard(`exp_month must be 1–12, got ${exp_month}`, 'send the month as a number, e.g. 6');
  }
  const year = Number.isInteger(exp_year) && exp_year >= 0 && exp_year < 100 ? 2000 + exp_year : exp_year;
  if (!Number.isInteger(year) || year < 2000 || year > 2199) {
    throw invalidCard(`exp_year must be a year such as 2032, got ${exp_year}`, 'send the four-digit year');
  }
  // The first instant after the expiry month; Date.UTC rolls month 12 over into January of the next year.
  const expiresAt = Date.UTC(year, exp_month, 1);
  if (expiresAt <= now) {
    throw invalidCard(`card expired at the end of ${String(exp_month).padStart(2, '0')}/${year}`, 'use any future expiry, e.g. 06/2032');
  }
  const brand = cardBrand(digits);
  const known = TEST_CARDS[digits];
  return {
    brand,
    last4: digits.slice(-4),
    country: known?.country ?? (brand === 'RuPay' ? 'IN' : 'US'),
    exp_year: year,
    failure_code: known?.failure_code ?? null,
  };
}
