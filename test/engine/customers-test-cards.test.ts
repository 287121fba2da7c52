// Rule under test: the test card table of SPEC §5 — which numbers succeed, which fail with which code,
// brand detection by IIN range, and that a non-Luhn number or a past expiry is refused.
import { describe, expect, test } from 'vitest';
import { toEpochMs } from '../../src/engine/clock.js';
import { cardBrand, describeTestCard, luhnValid } from '../../src/engine/customers/test-cards.js';

const NOW = toEpochMs('2025-04-01T00:00:00.000Z');

describe('describeTestCard', () => {
  test.each([
    ['4242424242424242', 'Visa', 'US', null],
    ['6074825972083818', 'RuPay', 'IN', null],
    ['4000000000000002', 'Visa', 'US', 'CARD_DECLINED'],
    ['4000000000000127', 'Visa', 'IN', 'CARD_DECLINED'],
    ['4000000000009995', 'Visa', 'US', 'INSUFFICIENT_FUNDS'],
    ['4000000000000069', 'Visa', 'US', 'EXPIRED_CARD'],
    ['4000000000000119', 'Visa', 'US', 'PROCESSING_ERROR'],
    ['4000000000009987', 'Visa', 'US', 'LOST_CARD'],
    ['4000000000009979', 'Visa', 'US', 'STOLEN_CARD'],
    ['4000002500003155', 'Visa', 'US', 'AUTHENTICATION_REQUIRED'],
    // Any other Luhn-valid number succeeds.
    ['5555555555554444', 'Mastercard', 'US', null],
    ['2223003122003222', 'Mastercard', 'US', null],
    ['378282246310005', 'AmericanExpress', 'US', null],
    ['6011111111111117', 'Discover', 'US', null],
    ['3566002020360505', 'JCB', 'US', null],
    ['36227206271667', 'DinersClub', 'US', null],
    ['6521111111111110', 'RuPay', 'IN', null],
  ])('%s → %s, %s, failure %s', (number, brand, country, failure_code) => {
    expect(describeTestCard(number, 6, 2032, NOW)).toEqual({
      brand,
      last4: number.slice(-4),
      country,
      exp_year: 2032,
      failure_code,
    });
  });

  test('spaces and dashes are ignored; a two-digit year means 20YY', () => {
    expect(describeTestCard('4242 4242-4242 4242', 6, 32, NOW)).toMatchObject({ last4: '4242', exp_year: 2032 });
  });

  test.each([
    ['a number failing the Luhn check', '4242424242424241', 6, 2032, /fails the Luhn check/],
    ['too few digits', '42424242', 6, 2032, /12–19 digits/],
    ['letters', '4242abcd42424242', 6, 2032, /12–19 digits/],
    ['month 13', '4242424242424242', 13, 2032, /exp_month must be 1–12/],
    ['last month', '4242424242424242', 3, 2025, /expired at the end of 03\/2025/],
    ['a year long past', '4242424242424242', 12, 2024, /expired/],
  ])('%s is INVALID_REQUEST_BODY', (_, number, month, year, message) => {
    expect(() => describeTestCard(number, month, year, NOW)).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST_BODY', message: expect.stringMatching(message) }),
    );
  });

  test('a card is good through the last instant of its expiry month', () => {
    expect(describeTestCard('4242424242424242', 4, 2025, NOW).failure_code).toBeNull();
    expect(() => describeTestCard('4242424242424242', 4, 2025, toEpochMs('2025-05-01T00:00:00.000Z'))).toThrow(/expired/);
    // December rolls into January of the next year.
    expect(describeTestCard('4242424242424242', 12, 2025, toEpochMs('2025-12-31T23:59:59.999Z')).last4).toBe('4242');
  });
});

describe('luhn and brand', () => {
  test.each([
    ['4242424242424242', true],
    ['4242424242424241', false],
    ['79927398713', true],
    ['79927398710', false],
  ])('luhnValid(%s) = %s', (digits, valid) => {
    expect(luhnValid(digits)).toBe(valid);
  });

  test.each([
    ['4', 'Visa'],
    ['51', 'Mastercard'],
    ['55', 'Mastercard'],
    ['2221', 'Mastercard'],
    ['2720', 'Mastercard'],
    ['2721', 'Unknown'],
    ['34', 'AmericanExpress'],
    ['37', 'AmericanExpress'],
    ['6011', 'Discover'],
    ['6010', 'RuPay'],
    ['65', 'RuPay'],
    ['81', 'RuPay'],
    ['82', 'RuPay'],
    ['508', 'RuPay'],
    ['9', 'Unknown'],
  ])('prefix %s is %s', (prefix, brand) => {
    expect(cardBrand(prefix.padEnd(16, '0'))).toBe(brand);
  });
});
