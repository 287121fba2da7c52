// Rule under test: SPEC §2.8 — a code is checked in a fixed order and the first failure wins: exists and not
// deleted → not expired → under its usage limit → applies to a cart product → not on-demand; and SPEC §2.2 /
// D9 — a percentage code takes round-half-up(net × bps / 10000) off each eligible line, a flat code
// min(amount, net).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { discountAmountFor, eligibleProductIds } from '../../src/engine/pricing/code-discount.js';
import type { DiscountCart, NewDiscount } from '../../src/engine/discounts/types.js';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';

let engine: TestEngine;
// pdt_0001 is the product restricted codes apply to; pdt_0002 and pdt_0003 are other products.
const [RESTRICTED, OTHER, THIRD] = ['pdt_0001', 'pdt_0002', 'pdt_0003'];
beforeEach(async () => {
  engine = await createTestEngine();
  for (const name of ['Guide', 'Course', 'Templates']) {
    await engine.products.create({ name, tax_category: 'e_book', price: { type: 'one_time_price', currency: 'USD', price: 1900 } });
  }
});
afterEach(async () => {
  await engine.close();
});

const DAY = 24 * 60 * 60 * 1000;

interface Case {
  /** The code exists (false: nothing was created). */
  exists?: boolean;
  deleted?: boolean;
  /** expires_at one day ahead, then the clock moves one day: expired exactly at expires_at. */
  expired?: boolean;
  /** usage_limit 1 and one recorded use. */
  exhausted?: boolean;
  /** restricted_to [pdt_0001] while the cart holds other products. */
  restricted?: boolean;
  cart: DiscountCart;
}

/** Sets a code up as the case says and validates it; returns the error code, or 'valid'. */
async function outcome(c: Case): Promise<string> {
  if (c.exists !== false) {
    const input: NewDiscount = {
      code: 'SPRING',
      type: 'percentage',
      amount: 1000,
      ...(c.expired && { expires_at: '2025-04-02T00:00:00Z' }),
      ...(c.exhausted && { usage_limit: 1 }),
      ...(c.restricted && { restricted_to: [RESTRICTED] }),
    };
    const { discount_id } = await engine.discounts.create(input);
    if (c.exhausted) await engine.discounts.recordUse(discount_id);
    if (c.deleted) await engine.discounts.delete(discount_id);
    if (c.expired) engine.clock.advance(DAY);
  }
  try {
    await engine.discounts.validate('spring', c.cart);
    return 'valid';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

const one = { product_ids: [OTHER] };
const many = { product_ids: [OTHER, THIRD] };
const onDemand = { product_ids: [OTHER], on_demand: true };

describe('§2.8 each failure alone: the smallest case that triggers it', () => {
  test.each<[string, string, Case]>([
    ['an unknown code', 'INVALID_DISCOUNT_CODE', { exists: false, cart: one }],
    ['a deleted code', 'INVALID_DISCOUNT_CODE', { deleted: true, cart: one }],
    ['a code at its expires_at', 'DISCOUNT_CODE_EXPIRED', { expired: true, cart: one }],
    ['a code used usage_limit times', 'DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED', { exhausted: true, cart: one }],
    ['a restricted code on a one-product cart', 'DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT', { restricted: true, cart: one }],
    ['a restricted code on a cart of two other products', 'INVALID_DISCOUNT_CODE', { restricted: true, cart: many }],
    ['a code on an on-demand subscription', 'DISCOUNT_NOT_AVAILABLE_FOR_ON_DEMAND', { cart: onDemand }],
    ['a live, unrestricted code', 'valid', { cart: one }],
    ['a restricted code on a cart holding its product among others', 'valid', { restricted: true, cart: { product_ids: [OTHER, RESTRICTED] } }],
    ['a restricted code with no cart yet (restriction not checked)', 'valid', { restricted: true, cart: { product_ids: [] } }],
  ])('%s → %s', async (_case, expected, c) => {
    expect(await outcome(c)).toBe(expected);
  });
});

describe('§2.8 order: with every later failure present too, the earliest check still wins', () => {
  const all = { expired: true, exhausted: true, restricted: true };
  test.each<[string, string, Case]>([
    ['deleted + expired + exhausted + restricted + on-demand', 'INVALID_DISCOUNT_CODE', { deleted: true, ...all, cart: { ...one, on_demand: true } }],
    ['expired + exhausted + restricted + on-demand', 'DISCOUNT_CODE_EXPIRED', { ...all, cart: { ...one, on_demand: true } }],
    [
      'exhausted + restricted + on-demand',
      'DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED',
      { exhausted: true, restricted: true, cart: { ...one, on_demand: true } },
    ],
    ['restricted (one product) + on-demand', 'DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT', { restricted: true, cart: { ...one, on_demand: true } }],
    ['restricted (two products) + on-demand', 'INVALID_DISCOUNT_CODE', { restricted: true, cart: { ...many, on_demand: true } }],
    ['on-demand', 'DISCOUNT_NOT_AVAILABLE_FOR_ON_DEMAND', { cart: onDemand }],
  ])('%s → %s', async (_case, expected, c) => {
    expect(await outcome(c)).toBe(expected);
  });
});

describe('§2.8 messages name the values involved', () => {
  test('the multi-item cart says the code cannot be applied to any product in the cart', async () => {
    await engine.discounts.create({ code: 'SPRING', type: 'percentage', amount: 1000, restricted_to: [RESTRICTED] });
    await expect(engine.discounts.validate('spring', many)).rejects.toMatchObject({
      code: 'INVALID_DISCOUNT_CODE',
      message: 'discount code SPRING cannot be applied to any product in the cart (pdt_0002, pdt_0003); it applies to pdt_0001',
    });
    // Two lines of one product are a single-product cart.
    await expect(engine.discounts.validate('spring', { product_ids: [OTHER, OTHER] })).rejects.toMatchObject({
      code: 'DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT',
      message: 'discount code SPRING is not available for product pdt_0002; it applies to pdt_0001',
    });
  });
});

describe('expiry follows the frozen clock', () => {
  test('valid 1 ms before expires_at, expired at it, and moving expires_at later revives the code', async () => {
    const { discount_id } = await engine.discounts.create({ code: 'SPRING', type: 'flat', amount: 500, expires_at: '2025-04-11T00:00:00Z' });
    engine.clock.set('2025-04-10T23:59:59.999Z');
    expect((await engine.discounts.validate('SPRING', one)).discount_id).toBe(discount_id);
    engine.clock.advance(1);
    await expect(engine.discounts.validate('SPRING', one)).rejects.toMatchObject({
      code: 'DISCOUNT_CODE_EXPIRED',
      message: 'discount code SPRING expired at 2025-04-11T00:00:00.000Z',
    });
    await engine.discounts.update(discount_id, { expires_at: '2025-05-01T00:00:00Z' });
    expect((await engine.discounts.validate('SPRING', one)).discount_id).toBe(discount_id);
  });
});

describe('usage limit counts successful purchases', () => {
  test('usage_limit 2: valid after one use, exhausted after two', async () => {
    const { discount_id } = await engine.discounts.create({ code: 'TWICE', type: 'flat', amount: 500, usage_limit: 2 });
    await engine.discounts.recordUse(discount_id);
    expect((await engine.discounts.validate('twice', one)).times_used).toBe(1);
    await engine.discounts.recordUse(discount_id);
    await expect(engine.discounts.validate('twice', one)).rejects.toMatchObject({
      code: 'DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED',
      message: 'discount code TWICE hit its usage limit (used 2 of 2 times)',
    });
  });
});

describe('eligible lines', () => {
  test('an unrestricted code applies to every cart product; a restricted one to those it names', () => {
    expect(eligibleProductIds({ restricted_to: [] }, [OTHER, THIRD, OTHER])).toEqual([OTHER, THIRD]);
    expect(eligibleProductIds({ restricted_to: [RESTRICTED, THIRD] }, [OTHER, THIRD, RESTRICTED])).toEqual([THIRD, RESTRICTED]);
    expect(engine.discounts.eligibleProductIds({ restricted_to: [RESTRICTED] }, [OTHER])).toEqual([]);
  });
});

describe('amount off one line (SPEC §2.2, D9)', () => {
  test.each<[string, 'percentage' | 'flat', number, number, number]>([
    ['540 bps of 2999 = 161.946 → 162', 'percentage', 540, 2999, 162],
    ['10000 bps of 3333 = 3333 (the line becomes free)', 'percentage', 10_000, 3333, 3333],
    ['2500 bps of 3000 = 750', 'percentage', 2500, 3000, 750],
    ['1 bps of 5000 = 0.5 → 1 (half up)', 'percentage', 1, 5000, 1],
    ['1 bps of 4999 = 0.4999 → 0', 'percentage', 1, 4999, 0],
    ['any percentage of 0 = 0', 'percentage', 540, 0, 0],
    ['flat 500 on a 300 line = 300 (never below zero)', 'flat', 500, 300, 300],
    ['flat 500 on a 2999 line = 500', 'flat', 500, 2999, 500],
    ['flat 500 on a 0 line = 0', 'flat', 500, 0, 0],
  ])('%s', (_case, type, amount, net, off) => {
    expect(discountAmountFor({ type, amount }, net)).toBe(off);
    expect(engine.discounts.discountAmountFor({ type, amount }, net)).toBe(off);
  });

  test('a negative or fractional line amount is a bug, not a business error', () => {
    expect(() => discountAmountFor({ type: 'flat', amount: 500 }, -1)).toThrow(/whole minor units/);
    expect(() => discountAmountFor({ type: 'percentage', amount: 500 }, 29.99)).toThrow(/whole minor units/);
  });
});
