// Rule under test: SPEC §2.2 invariants over random carts — totals equal the sums of the lines, no amount
// is negative, discounts never exceed the gross, exclusive tax is added on top, inclusive tax is taken out.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { priceCart } from '../../../src/engine/pricing/price-lines.js';
import type { CodeDiscount, PricingLine } from '../../../src/engine/pricing/types.js';

const productIds = ['pdt_a', 'pdt_b', 'pdt_c', 'pdt_d'];

const lineArb: fc.Arbitrary<PricingLine> = fc.record({
  item_id: fc.constantFrom(...productIds, 'adn_x'),
  kind: fc.constantFrom('product' as const, 'addon' as const),
  name: fc.constant('line'),
  product_id: fc.constantFrom(...productIds),
  quantity: fc.integer({ min: 1, max: 50 }),
  unit_price: fc.integer({ min: 0, max: 1_000_000 }),
  discount_percent: fc.integer({ min: 0, max: 100 }),
  tax_inclusive: fc.boolean(),
});

const codeArb: fc.Arbitrary<CodeDiscount | null> = fc.option(
  fc.oneof(
    fc.record({ type: fc.constant('percentage' as const), amount: fc.integer({ min: 1, max: 10_000 }), restricted_to: fc.subarray(productIds) }),
    fc.record({ type: fc.constant('flat' as const), amount: fc.integer({ min: 1, max: 500_000 }), restricted_to: fc.subarray(productIds) }),
  ),
  { nil: null },
);

const cartArb = fc.record({
  lines: fc.array(lineArb, { minLength: 1, maxLength: 8 }),
  tax_rate_bps: fc.integer({ min: 0, max: 10_000 }),
  code: codeArb,
});

describe('SPEC §2.2 properties of priceCart', () => {
  test('totals are the sums of the lines; each line total = amount + tax', () => {
    fc.assert(
      fc.property(cartArb, (input) => {
        const cart = priceCart(input);
        const sum = (pick: (l: (typeof cart.lines)[number]) => number) => cart.lines.reduce((t, l) => t + pick(l), 0);
        expect(cart.subtotal).toBe(sum((l) => l.amount));
        expect(cart.tax).toBe(sum((l) => l.tax));
        expect(cart.discount_amount).toBe(sum((l) => l.discount_amount));
        expect(cart.total_amount).toBe(cart.subtotal + cart.tax);
        for (const l of cart.lines) expect(l.total).toBe(l.amount + l.tax);
      }),
    );
  });

  test('no amount is negative and discounts never exceed the gross', () => {
    fc.assert(
      fc.property(cartArb, (input) => {
        for (const l of priceCart(input).lines) {
          for (const value of [l.gross_amount, l.product_discount, l.code_discount, l.amount, l.tax, l.total]) {
            expect(value).toBeGreaterThanOrEqual(0);
            expect(Number.isSafeInteger(value)).toBe(true);
          }
          expect(l.discount_amount).toBeLessThanOrEqual(l.gross_amount);
        }
      }),
    );
  });

  test('exclusive: the buyer pays the discounted price plus tax; inclusive: exactly the discounted price', () => {
    fc.assert(
      fc.property(cartArb, (input) => {
        for (const l of priceCart(input).lines) {
          const discounted = l.gross_amount - l.discount_amount;
          if (l.tax_inclusive) {
            expect(l.total).toBe(discounted);
            expect(l.amount).toBeLessThanOrEqual(discounted);
          } else {
            expect(l.amount).toBe(discounted);
            expect(l.total).toBeGreaterThanOrEqual(discounted);
          }
          // The tax is the rate of the net, within half a minor unit either way of the exact value.
          expect(Math.abs(l.tax * 10_000 - l.amount * input.tax_rate_bps)).toBeLessThanOrEqual(
            l.tax_inclusive ? (10_000 + input.tax_rate_bps) / 2 : 5_000,
          );
        }
      }),
    );
  });

  test('the code touches only eligible lines (restricted_to empty = every line)', () => {
    fc.assert(
      fc.property(cartArb, (input) => {
        for (const l of priceCart(input).lines) {
          const eligible = input.code !== null && (input.code.restricted_to.length === 0 || input.code.restricted_to.includes(l.product_id));
          if (!eligible) expect(l.code_discount).toBe(0);
        }
      }),
    );
  });
});
