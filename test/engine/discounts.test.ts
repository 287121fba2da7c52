// Rule under test: discount codes per SPEC §1.5 and D9 — codes ≥ 3 chars stored upper-case and unique among
// live discounts, percentage in basis points 1–10000, flat in minor units ≥ 1, PATCH updates with usage_limit
// never below times_used, soft delete that frees the code, recordUse counting inside the caller's transaction.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { NewDiscount } from '../../src/engine/discounts/types.js';
import { createTestEngine, TEST_START, type TestEngine } from '../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

const DAY = 24 * 60 * 60 * 1000;
const summer: NewDiscount = { code: 'summer25', type: 'percentage', amount: 2500 };

async function guide(): Promise<string> {
  const product = await engine.products.create({
    name: 'Guide',
    tax_category: 'e_book',
    price: { type: 'one_time_price', currency: 'USD', price: 1900 },
  });
  return product.product_id;
}

async function discountRows() {
  return engine.ctx.db.selectFrom('discounts').selectAll().orderBy('discount_id').execute();
}

describe('create', () => {
  test('defaults follow the API: unlimited, never expires, any product, every cycle', async () => {
    expect(await engine.discounts.create(summer)).toEqual({
      discount_id: 'dsc_0001',
      business_id: 'bus_0001',
      name: null,
      code: 'SUMMER25',
      type: 'percentage',
      amount: 2500,
      usage_limit: null,
      times_used: 0,
      expires_at: null,
      restricted_to: [],
      subscription_cycles: null,
      preserve_on_plan_change: false,
      metadata: {},
      created_at: TEST_START,
      updated_at: TEST_START,
    });
  });

  test('codes are stored upper-case and found in any case', async () => {
    await engine.discounts.create({ ...summer, code: 'Launch_2025-x' });
    expect((await engine.discounts.getByCode('launch_2025-X')).code).toBe('LAUNCH_2025-X');
    expect((await engine.discounts.list({ code: 'launch_2025-x' })).items.map((d) => d.code)).toEqual(['LAUNCH_2025-X']);
  });

  test('an omitted code becomes a random 16-character upper-case one', async () => {
    const a = await engine.discounts.create({ type: 'flat', amount: 500 });
    const b = await engine.discounts.create({ type: 'flat', amount: 500 });
    expect(a.code).toMatch(/^[0-9A-Z]{16}$/);
    expect(b.code).toMatch(/^[0-9A-Z]{16}$/);
    expect(a.code).not.toBe(b.code);
  });

  test('a code held by a live discount, in any case, is DISCOUNT_CODE_ALREADY_EXISTS', async () => {
    await engine.discounts.create(summer);
    await expect(engine.discounts.create({ ...summer, code: 'SUMMER25', type: 'flat', amount: 100 })).rejects.toMatchObject({
      code: 'DISCOUNT_CODE_ALREADY_EXISTS',
      message: 'discount code SUMMER25 already exists (dsc_0001)',
    });
    expect(await discountRows()).toHaveLength(1);
  });

  test('10000 bps (100 %) and a flat 50000 ($500 off each line) are accepted; everything is kept', async () => {
    const productId = await guide();
    expect((await engine.discounts.create({ code: 'FREE', type: 'percentage', amount: 10_000 })).amount).toBe(10_000);
    const flat = await engine.discounts.create({
      code: 'BIGFLAT',
      name: 'Big flat',
      type: 'flat',
      amount: 50_000,
      usage_limit: 10,
      expires_at: '2025-05-01T00:00:00Z',
      restricted_to: [productId, productId],
      subscription_cycles: 3,
      preserve_on_plan_change: true,
      metadata: { campaign: 'spring' },
    });
    expect(flat).toMatchObject({
      name: 'Big flat',
      type: 'flat',
      amount: 50_000,
      usage_limit: 10,
      expires_at: '2025-05-01T00:00:00.000Z',
      restricted_to: [productId],
      subscription_cycles: 3,
      preserve_on_plan_change: true,
      metadata: { campaign: 'spring' },
    });
  });

  test.each<[string, NewDiscount, string]>([
    ['type flat_per_unit', { type: 'flat_per_unit', amount: 100 }, 'UNSUPPORTED_DISCOUNT_TYPE'],
    ['10001 basis points (100.01 %)', { type: 'percentage', amount: 10_001 }, 'INVALID_PERCENTAGE'],
    ['0 basis points', { type: 'percentage', amount: 0 }, 'INVALID_REQUEST_BODY'],
    ['a flat 0', { type: 'flat', amount: 0 }, 'INVALID_REQUEST_BODY'],
    ['a fractional amount', { type: 'flat', amount: 4.99 }, 'INVALID_REQUEST_BODY'],
    ['a 2-character code', { code: 'AB', type: 'flat', amount: 100 }, 'INVALID_REQUEST_BODY'],
    ['a code with a space', { code: 'SUM MER', type: 'flat', amount: 100 }, 'INVALID_REQUEST_BODY'],
    ['a restriction to an unknown product', { type: 'flat', amount: 100, restricted_to: ['pdt_nope'] }, 'NOT_FOUND'],
    ['usage_limit 0', { type: 'flat', amount: 100, usage_limit: 0 }, 'INVALID_REQUEST_BODY'],
    ['subscription_cycles 0', { type: 'flat', amount: 100, subscription_cycles: 0 }, 'INVALID_REQUEST_BODY'],
    ['expires_at equal to now', { type: 'flat', amount: 100, expires_at: TEST_START }, 'INVALID_REQUEST_PARAMETERS'],
    ['expires_at in the past', { type: 'flat', amount: 100, expires_at: '2025-03-31T23:59:59Z' }, 'INVALID_REQUEST_PARAMETERS'],
    ['expires_at that is not ISO-8601', { type: 'flat', amount: 100, expires_at: '05/01/2025' }, 'INVALID_REQUEST_BODY'],
    ['expires_at without a zone', { type: 'flat', amount: 100, expires_at: '2025-05-01T00:00:00' }, 'INVALID_REQUEST_BODY'],
    [
      '51 metadata keys',
      { type: 'flat', amount: 100, metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      'MAXIMUM_KEYS_REACHED',
    ],
  ])('rejects %s and stores nothing', async (_case, input, code) => {
    await expect(engine.discounts.create(input)).rejects.toMatchObject({ code });
    expect(await discountRows()).toEqual([]);
  });
});

describe('update (PATCH)', () => {
  test('omitted fields stay, null clears, restricted_to replaces, updated_at moves with the clock', async () => {
    const productId = await guide();
    const created = await engine.discounts.create({ ...summer, name: 'Summer', expires_at: '2025-06-01T00:00:00Z', usage_limit: 5 });
    engine.clock.advance(DAY);
    const updated = await engine.discounts.update(created.discount_id, { name: null, expires_at: null, restricted_to: [productId] });
    expect(updated).toEqual({
      ...created,
      name: null,
      expires_at: null,
      restricted_to: [productId],
      updated_at: '2025-04-02T00:00:00.000Z',
    });
  });

  test('usage_limit below times_used is DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED; equal or null is fine', async () => {
    const { discount_id } = await engine.discounts.create({ ...summer, usage_limit: 10 });
    for (let i = 0; i < 3; i++) await engine.discounts.recordUse(discount_id);
    await expect(engine.discounts.update(discount_id, { usage_limit: 2 })).rejects.toMatchObject({
      code: 'DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED',
      message: 'usage limit cannot be less than times_used: SUMMER25 has been used 3 times, usage_limit 2 is lower',
    });
    expect((await engine.discounts.get(discount_id)).usage_limit).toBe(10);
    expect((await engine.discounts.update(discount_id, { usage_limit: 3 })).usage_limit).toBe(3);
    expect((await engine.discounts.update(discount_id, { usage_limit: null })).usage_limit).toBeNull();
  });

  test('type and amount are checked together: a flat 50000 cannot become a percentage', async () => {
    const { discount_id } = await engine.discounts.create({ code: 'BIGFLAT', type: 'flat', amount: 50_000 });
    await expect(engine.discounts.update(discount_id, { type: 'percentage' })).rejects.toMatchObject({ code: 'INVALID_PERCENTAGE' });
    expect(await engine.discounts.update(discount_id, { type: 'percentage', amount: 540 })).toMatchObject({ type: 'percentage', amount: 540 });
    await expect(engine.discounts.update(discount_id, { amount: 10_001 })).rejects.toMatchObject({ code: 'INVALID_PERCENTAGE' });
    await expect(engine.discounts.update(discount_id, { type: 'bogo' })).rejects.toMatchObject({ code: 'UNSUPPORTED_DISCOUNT_TYPE' });
  });

  test('a new code is upper-cased and must be free; re-sending its own code in another case is fine', async () => {
    await engine.discounts.create({ code: 'TAKEN', type: 'flat', amount: 100 });
    const { discount_id } = await engine.discounts.create(summer);
    await expect(engine.discounts.update(discount_id, { code: 'taken' })).rejects.toMatchObject({ code: 'DISCOUNT_CODE_ALREADY_EXISTS' });
    expect((await engine.discounts.update(discount_id, { code: 'Summer25' })).code).toBe('SUMMER25');
    expect((await engine.discounts.update(discount_id, { code: 'autumn10' })).code).toBe('AUTUMN10');
  });

  test('an expiry moved into the past is refused', async () => {
    const { discount_id } = await engine.discounts.create(summer);
    await expect(engine.discounts.update(discount_id, { expires_at: '2025-03-01T00:00:00Z' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
    });
  });
});

describe('soft delete', () => {
  test('the discount leaves get, getByCode and list, its code is INVALID_DISCOUNT_CODE, the row stays', async () => {
    const { discount_id } = await engine.discounts.create(summer);
    engine.clock.advance(DAY);
    expect(await engine.discounts.delete(discount_id)).toEqual({
      discount_id,
      code: 'SUMMER25',
      deleted_at: '2025-04-02T00:00:00.000Z',
    });
    await expect(engine.discounts.get(discount_id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.discounts.getByCode('summer25')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.discounts.validate('SUMMER25', { product_ids: [] })).rejects.toMatchObject({ code: 'INVALID_DISCOUNT_CODE' });
    await expect(engine.discounts.update(discount_id, { amount: 100 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.discounts.delete(discount_id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await engine.discounts.list()).items).toEqual([]);
    // A subscription that bought with the code can still read it at renewal.
    expect((await engine.discounts.get(discount_id, { include_deleted: true })).code).toBe('SUMMER25');
    expect((await discountRows())[0]?.deleted_at).toBe(Date.parse('2025-04-02T00:00:00Z'));
  });

  test('a deleted code may be reused by a new discount', async () => {
    const old = await engine.discounts.create(summer);
    await engine.discounts.delete(old.discount_id);
    const reused = await engine.discounts.create({ ...summer, type: 'flat', amount: 700 });
    expect(reused).toMatchObject({ discount_id: 'dsc_0002', code: 'SUMMER25', type: 'flat' });
    expect((await engine.discounts.getByCode('summer25')).discount_id).toBe('dsc_0002');
    expect((await engine.discounts.validate('summer25', { product_ids: [] })).discount_id).toBe('dsc_0002');
  });
});

describe('recordUse', () => {
  test('adds exactly one per call', async () => {
    const { discount_id } = await engine.discounts.create(summer);
    await engine.discounts.recordUse(discount_id);
    expect((await engine.discounts.recordUse(discount_id)).times_used).toBe(2);
  });

  test("joins the caller's transaction and rolls back with it", async () => {
    const { discount_id } = await engine.discounts.create(summer);
    await expect(
      engine.ctx.transaction(async (tx) => {
        expect((await tx.discounts.recordUse(discount_id)).times_used).toBe(1);
        throw new Error('the payment failed after the discount was counted');
      }),
    ).rejects.toThrow('the payment failed');
    expect((await engine.discounts.get(discount_id)).times_used).toBe(0);
  });

  test('an unknown id is NOT_FOUND', async () => {
    await expect(engine.discounts.recordUse('dsc_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('list', () => {
  test('oldest first, paged, deleted ones left out', async () => {
    for (const code of ['AAA', 'BBB', 'CCC']) await engine.discounts.create({ code, type: 'flat', amount: 100 });
    await engine.discounts.delete('dsc_0002');
    const first = await engine.discounts.list({}, { page_size: 1 });
    expect(first.items.map((d) => d.code)).toEqual(['AAA']);
    expect(first.has_more).toBe(true);
    const second = await engine.discounts.list({}, { page_size: 1, page_number: 1 });
    expect(second.items.map((d) => d.code)).toEqual(['CCC']);
    expect(second.has_more).toBe(false);
    expect((await engine.discounts.list({ code: 'bbb' })).items).toEqual([]);
  });
});
