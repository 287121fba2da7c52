// Rule under test: SPEC §2.2 price calculation — per line gross → product discount → code discount on
// eligible lines (addons follow their parent) → tax exclusive or inclusive; half up per line; totals = sums.
import { describe, expect, test } from 'vitest';
import { priceCart, priceLine } from '../../../src/engine/pricing/price-lines.js';
import { splitTax } from '../../../src/engine/pricing/tax.js';
import type { CodeDiscount, PricingLine } from '../../../src/engine/pricing/types.js';

const line = (over: Partial<PricingLine> = {}): PricingLine => ({
  item_id: 'pdt_1',
  kind: 'product',
  name: 'Guide',
  product_id: 'pdt_1',
  quantity: 1,
  unit_price: 1000,
  discount_percent: 0,
  tax_inclusive: false,
  ...over,
});
const percent = (bps: number, restricted_to: string[] = []): CodeDiscount => ({ type: 'percentage', amount: bps, restricted_to });
const flat = (amount: number): CodeDiscount => ({ type: 'flat', amount, restricted_to: [] });

describe('SPEC §2.2 one line, step by step', () => {
  test.each([
    // name, line, rate, code → gross, product discount, code discount, amount, tax, total
    ['plain', line(), 0, null, [1000, 0, 0, 1000, 0, 1000]],
    ['quantity', line({ unit_price: 2999, quantity: 3 }), 0, null, [8997, 0, 0, 8997, 0, 8997]],
    ['product 10 % of 2999 = 299.9 → 300', line({ unit_price: 2999, discount_percent: 10 }), 0, null, [2999, 300, 0, 2699, 0, 2699]],
    ['product 100 %', line({ discount_percent: 100 }), 1800, null, [1000, 1000, 0, 0, 0, 0]],
    ['code 540 bps of 2999 = 161.9 → 162', line({ unit_price: 2999 }), 0, percent(540), [2999, 0, 162, 2837, 0, 2837]],
    [
      'code after product discount',
      line({ unit_price: 2999, quantity: 2, discount_percent: 10 }),
      1800,
      percent(540),
      [5998, 600, 291, 5107, 919, 6026],
    ],
    ['code 100 %', line({ unit_price: 3333 }), 1800, percent(10_000), [3333, 0, 3333, 0, 0, 0]],
    ['flat 500 off 300 stops at 0 (D9)', line({ unit_price: 300 }), 0, flat(500), [300, 0, 300, 0, 0, 0]],
    ['flat 500 off 2000', line({ unit_price: 2000 }), 1000, flat(500), [2000, 0, 500, 1500, 150, 1650]],
    ['exclusive 18 % of 1000', line(), 1800, null, [1000, 0, 0, 1000, 180, 1180]],
    ['exclusive 18 % of 999 = 179.82 → 180', line({ unit_price: 999 }), 1800, null, [999, 0, 0, 999, 180, 1179]],
    ['exclusive 5 % of 10 = 0.5 → 1 (half up)', line({ unit_price: 10 }), 500, null, [10, 0, 0, 10, 1, 11]],
    ['inclusive 1180 at 18 % → 1000 + 180', line({ unit_price: 1180, tax_inclusive: true }), 1800, null, [1180, 0, 0, 1000, 180, 1180]],
    ['inclusive 999 at 18 % → 847 + 152', line({ unit_price: 999, tax_inclusive: true }), 1800, null, [999, 0, 0, 847, 152, 999]],
    [
      'inclusive after discounts',
      line({ unit_price: 5000, discount_percent: 20, tax_inclusive: true }),
      2000,
      percent(1000),
      [5000, 1000, 400, 3000, 600, 3600],
    ],
  ] as const)('%s', (_name, input, rate, code, expected) => {
    const priced = priceLine(input, rate, code);
    expect([priced.gross_amount, priced.product_discount, priced.code_discount, priced.amount, priced.tax, priced.total]).toEqual(expected);
    expect(priced.discount_amount).toBe(priced.product_discount + priced.code_discount);
  });
});

describe('SPEC §2.2 split of a price into net and tax', () => {
  test.each([
    [1000, 0, false, 1000, 0],
    [1000, 0, true, 1000, 0],
    [1000, 1800, false, 1000, 180],
    [1180, 1800, true, 1000, 180],
    [1, 1800, true, 1, 0],
    [10_000, 10_000, true, 5000, 5000],
  ])('%i at %i bps, inclusive %s → net %i, tax %i', (price, rate, inclusive, net, tax) => {
    expect(splitTax(price, rate, inclusive)).toEqual({ net, tax });
  });
});

describe('SPEC §2.2 carts: code only on eligible lines, addons follow their parent, totals are sums', () => {
  test('a restricted code reduces only the product it names', () => {
    const cart = priceCart({
      lines: [line({ item_id: 'pdt_a', product_id: 'pdt_a', unit_price: 1000 }), line({ item_id: 'pdt_b', product_id: 'pdt_b', unit_price: 3000 })],
      tax_rate_bps: 1000,
      code: percent(5000, ['pdt_b']),
    });
    expect(cart.lines.map((l) => l.code_discount)).toEqual([0, 1500]);
    expect(cart).toMatchObject({ subtotal: 2500, discount_amount: 1500, tax: 250, total_amount: 2750 });
  });

  test('an addon line is eligible iff its parent product is', () => {
    const base = line({ item_id: 'pdt_pro', product_id: 'pdt_pro', unit_price: 8000 });
    const seats = line({ item_id: 'adn_seat', kind: 'addon', product_id: 'pdt_pro', unit_price: 500, quantity: 3 });
    const eligible = priceCart({ lines: [base, seats], tax_rate_bps: 0, code: percent(1000, ['pdt_pro']) });
    expect(eligible.lines.map((l) => l.code_discount)).toEqual([800, 150]);
    const other = priceCart({ lines: [base, seats], tax_rate_bps: 0, code: percent(1000, ['pdt_basic']) });
    expect(other.lines.map((l) => l.code_discount)).toEqual([0, 0]);
  });

  test('totals are sums of rounded lines, not a rounded sum: 3 × 18 % of 1 → tax 3 × 0', () => {
    const one = (id: string) => line({ item_id: id, product_id: id, unit_price: 2 });
    const cart = priceCart({ lines: [one('a'), one('b'), one('c')], tax_rate_bps: 2000, code: null });
    // 20 % of 2 = 0.4 → 0 per line; a rounded sum would have given round(1.2) = 1.
    expect(cart).toMatchObject({ subtotal: 6, tax: 0, total_amount: 6 });
  });
});
