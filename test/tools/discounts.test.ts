// Rule under test: the discount tools expose SPEC §1.5 / §2.8 / D9 through MCP — results in
// structuredContent, refusals as isError "CODE: message. Next: step", and a refused call changes nothing.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';

let c: ConnectedClient;
beforeEach(async () => {
  c = await connectClient();
});
afterEach(async () => {
  await c.close();
});

const DAY = 24 * 60 * 60 * 1000;

async function product(name: string): Promise<string> {
  const created = await c.ok<{ product_id: string }>('create_product', {
    name,
    tax_category: 'e_book',
    price: { type: 'one_time_price', currency: 'USD', price: 2999 },
  });
  return created.product_id;
}

async function discountRows() {
  return c.engine.ctx.db.selectFrom('discounts').selectAll().orderBy('discount_id').execute();
}

describe('discount tools', () => {
  test('the seven tools are listed with their hints', async () => {
    const { tools } = await c.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t.annotations]));
    expect(byName.get('create_discount')).toMatchObject({ readOnlyHint: false });
    expect(byName.get('update_discount')).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    expect(byName.get('delete_discount')).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    for (const name of ['get_discount', 'get_discount_by_code', 'list_discounts', 'validate_discount']) {
      expect(byName.get(name)).toMatchObject({ readOnlyHint: true });
    }
  });

  test('create upper-cases the code; get, get by code and list return the same discount', async () => {
    const created = await c.ok('create_discount', { code: 'summer25', name: 'Summer', type: 'percentage', amount: 540 });
    expect(created).toMatchObject({ discount_id: 'dsc_0001', code: 'SUMMER25', type: 'percentage', amount: 540, times_used: 0 });
    expect(await c.ok('get_discount', { discount_id: 'dsc_0001' })).toEqual(created);
    expect(await c.ok('get_discount_by_code', { code: 'Summer25' })).toEqual(created);
    expect(await c.ok('list_discounts', { code: 'SUMMER25' })).toEqual({ items: [created], page_number: 0, page_size: 20, has_more: false });
  });

  test('validate_discount returns the discount and the cart products it reduces', async () => {
    const guide = await product('Guide');
    const course = await product('Course');
    await c.ok('create_discount', { code: 'GUIDE10', type: 'percentage', amount: 1000, restricted_to: [guide] });
    const result = await c.ok<{ valid: boolean; discount: { code: string }; eligible_product_ids: string[] }>('validate_discount', {
      code: 'guide10',
      product_ids: [course, guide],
    });
    expect(result.valid).toBe(true);
    expect(result.discount.code).toBe('GUIDE10');
    expect(result.eligible_product_ids).toEqual([guide]);
    expect((await c.ok<{ eligible_product_ids: string[] }>('validate_discount', { code: 'GUIDE10' })).eligible_product_ids).toEqual([]);
  });

  test('validate_discount fails with the code checkout would give, first failure wins', async () => {
    const guide = await product('Guide');
    const course = await product('Course');
    const templates = await product('Templates');
    expect(await c.fail('validate_discount', { code: 'nope', product_ids: [guide] })).toBe(
      'INVALID_DISCOUNT_CODE: no live discount has the code nope. Next: list_discounts shows the live codes',
    );

    await c.ok('create_discount', { code: 'ONCE', type: 'flat', amount: 500, usage_limit: 1, restricted_to: [guide] });
    await c.engine.discounts.recordUse('dsc_0001');
    expect(await c.fail('validate_discount', { code: 'once', product_ids: [course], on_demand: true })).toBe(
      'DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED: discount code ONCE hit its usage limit (used 1 of 1 times). ' +
        'Next: raise usage_limit with update_discount, or use another code',
    );
    await c.ok('update_discount', { discount_id: 'dsc_0001', usage_limit: null });
    expect(await c.fail('validate_discount', { code: 'once', product_ids: [course] })).toBe(
      `DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT: discount code ONCE is not available for product ${course}; it applies to ${guide}. ` +
        'Next: add the product to restricted_to with update_discount, or buy a product the code applies to',
    );
    expect(await c.fail('validate_discount', { code: 'once', product_ids: [course, templates] })).toBe(
      `INVALID_DISCOUNT_CODE: discount code ONCE cannot be applied to any product in the cart (${course}, ${templates}); ` +
        `it applies to ${guide}. Next: add one of those products to the cart, or add a cart product to restricted_to with update_discount`,
    );
    expect(await c.fail('validate_discount', { code: 'once', product_ids: [guide], on_demand: true })).toBe(
      'DISCOUNT_NOT_AVAILABLE_FOR_ON_DEMAND: discount code ONCE is not available for on-demand subscriptions. ' +
        'Next: create the on-demand subscription without discount_code',
    );
  });

  test('an expired and exhausted code reports DISCOUNT_CODE_EXPIRED once the test clock passes expires_at', async () => {
    await c.ok('create_discount', { code: 'FLASH', type: 'percentage', amount: 5000, usage_limit: 1, expires_at: '2025-04-02T00:00:00Z' });
    await c.engine.discounts.recordUse('dsc_0001');
    c.engine.clock.advance(DAY);
    expect(await c.fail('validate_discount', { code: 'flash' })).toBe(
      'DISCOUNT_CODE_EXPIRED: discount code FLASH expired at 2025-04-02T00:00:00.000Z. ' +
        'Next: move expires_at later (or to null) with update_discount, or use another code',
    );
  });

  test('a duplicate code and a percentage over 10000 bps are refused with the API codes', async () => {
    await c.ok('create_discount', { code: 'SUMMER25', type: 'flat', amount: 500 });
    expect(await c.fail('create_discount', { code: 'summer25', type: 'percentage', amount: 100 })).toBe(
      'DISCOUNT_CODE_ALREADY_EXISTS: discount code SUMMER25 already exists (dsc_0001). ' +
        'Next: choose another code, or delete_discount the old one first',
    );
    expect(await c.fail('create_discount', { type: 'percentage', amount: 10_001 })).toBe(
      'INVALID_PERCENTAGE: percentage amount cannot be more than 10000 basis points (100 %), got 10001. ' +
        'Next: send basis points: 2500 = 25 %, 10000 = 100 %',
    );
  });

  test('delete_discount frees the code; the old code is then INVALID_DISCOUNT_CODE', async () => {
    await c.ok('create_discount', { code: 'SUMMER25', type: 'flat', amount: 500 });
    expect(await c.ok('delete_discount', { discount_id: 'dsc_0001' })).toEqual({
      discount_id: 'dsc_0001',
      code: 'SUMMER25',
      deleted_at: '2025-04-01T00:00:00.000Z',
    });
    expect(await c.fail('get_discount', { discount_id: 'dsc_0001' })).toBe(
      'NOT_FOUND: no discount dsc_0001. Next: list_discounts shows the existing ids',
    );
    expect(await c.fail('validate_discount', { code: 'summer25' })).toMatch(/^INVALID_DISCOUNT_CODE: /);
    expect(await c.ok('create_discount', { code: 'summer25', type: 'flat', amount: 700 })).toMatchObject({ discount_id: 'dsc_0002' });
  });

  test('update_discount refuses a usage_limit below times_used', async () => {
    await c.ok('create_discount', { code: 'SUMMER25', type: 'flat', amount: 500 });
    await c.engine.discounts.recordUse('dsc_0001');
    await c.engine.discounts.recordUse('dsc_0001');
    expect(await c.fail('update_discount', { discount_id: 'dsc_0001', usage_limit: 1 })).toBe(
      'DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED: usage limit cannot be less than times_used: SUMMER25 has been used 2 times, ' +
        'usage_limit 1 is lower. Next: send usage_limit ≥ 2, or null for unlimited',
    );
  });
});

describe('bad input to every discount tool is an error and changes nothing', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['create_discount', { type: 'flat_per_unit', amount: 100 }, /^INVALID_REQUEST_BODY: invalid arguments for create_discount: type/],
    ['create_discount', { type: 'percentage', amount: 0 }, /^INVALID_REQUEST_BODY: invalid arguments for create_discount: amount/],
    ['create_discount', { code: 'AB', type: 'flat', amount: 100 }, /^INVALID_REQUEST_BODY: invalid arguments for create_discount: code/],
    ['create_discount', { type: 'percentage', amount: 10_001 }, /^INVALID_PERCENTAGE: /],
    ['create_discount', { type: 'flat', amount: 100, expires_at: '2025-03-01T00:00:00Z' }, /^INVALID_REQUEST_PARAMETERS: expires_at /],
    ['create_discount', { type: 'flat', amount: 100, restricted_to: ['pdt_nope'] }, /^NOT_FOUND: no product pdt_nope/],
    ['create_discount', { code: 'EXISTING', type: 'flat', amount: 100 }, /^DISCOUNT_CODE_ALREADY_EXISTS: /],
    ['get_discount', {}, /^INVALID_REQUEST_BODY: invalid arguments for get_discount: discount_id/],
    ['get_discount', { discount_id: 'dsc_nope' }, /^NOT_FOUND: no discount dsc_nope/],
    ['get_discount_by_code', { code: 'NOPE' }, /^NOT_FOUND: no discount code NOPE/],
    ['get_discount_by_code', { code: 7 }, /^INVALID_REQUEST_BODY: invalid arguments for get_discount_by_code: code/],
    ['list_discounts', { page_size: 101 }, /^INVALID_REQUEST_BODY: invalid arguments for list_discounts: page_size/],
    ['update_discount', { discount_id: 'dsc_0001', amount: 10_001, type: 'percentage' }, /^INVALID_PERCENTAGE: /],
    ['update_discount', { discount_id: 'dsc_0001', usage_limit: 1 }, /^DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED: /],
    ['update_discount', { discount_id: 'dsc_0001', percent: 10 }, /^INVALID_REQUEST_BODY: invalid arguments for update_discount/],
    ['update_discount', { discount_id: 'dsc_nope', amount: 100 }, /^NOT_FOUND: no discount dsc_nope/],
    ['delete_discount', { discount_id: 'dsc_nope' }, /^NOT_FOUND: no discount dsc_nope/],
    ['delete_discount', {}, /^INVALID_REQUEST_BODY: invalid arguments for delete_discount: discount_id/],
    ['validate_discount', { product_ids: ['pdt_0001'] }, /^INVALID_REQUEST_BODY: invalid arguments for validate_discount: code/],
    [
      'validate_discount',
      { code: 'EXISTING', product_ids: 'pdt_0001' },
      /^INVALID_REQUEST_BODY: invalid arguments for validate_discount: product_ids/,
    ],
  ];

  test.each(cases)('%s %j', async (tool, args, expected) => {
    await c.ok('create_discount', { code: 'EXISTING', type: 'flat', amount: 500 });
    await c.engine.discounts.recordUse('dsc_0001');
    await c.engine.discounts.recordUse('dsc_0001');
    const before = await discountRows();
    const result = await c.call(tool, args);
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(await c.fail(tool, args)).toMatch(expected);
    expect(await discountRows()).toEqual(before);
  });
});
