// Rule under test: brand tools follow SPEC §1.18 and §2.12 — a primary brand from the start that the brands
// API cannot edit, secondary brands created verified in test mode, PATCH updates, paged lists.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';
import { TEST_START } from '../support/test-engine.js';

let c: ConnectedClient;
beforeEach(async () => {
  c = await connectClient();
});
afterEach(async () => {
  await c.close();
});

const primary = {
  brand_id: 'brnd_0001',
  business_id: 'bus_0001',
  name: 'Primary brand',
  description: null,
  url: null,
  image: null,
  statement_descriptor: null,
  support_email: null,
  enabled: true,
  verification_status: 'Success',
  is_primary: true,
  created_at: TEST_START,
  updated_at: TEST_START,
};

const acme = {
  name: 'Acme Tools',
  description: 'Hand tools for makers',
  url: 'https://acme.test',
  statement_descriptor: 'ACME TOOLS',
  support_email: 'help@acme.test',
};

describe('brands', () => {
  test('a new business has exactly its primary brand', async () => {
    expect(await c.ok('list_brands')).toEqual({ items: [primary], page_number: 0, page_size: 20, has_more: false });
    expect(await c.ok('get_brand', { brand_id: 'brnd_0001' })).toEqual(primary);
  });

  test('create_brand returns a verified, enabled secondary brand; get_brand returns the same', async () => {
    const created = await c.ok('create_brand', acme);
    expect(created).toEqual({
      ...acme,
      brand_id: 'brnd_0002',
      business_id: 'bus_0001',
      image: null,
      enabled: true,
      verification_status: 'Success',
      is_primary: false,
      created_at: TEST_START,
      updated_at: TEST_START,
    });
    expect(await c.ok('get_brand', { brand_id: 'brnd_0002' })).toEqual(created);
  });

  test('list_brands puts the primary brand first, then the others oldest first, paged', async () => {
    await c.ok('create_brand', { name: 'Acme' });
    c.engine.clock.advance(1000);
    await c.ok('create_brand', { name: 'Zenith' });
    const all = await c.ok<{ items: { brand_id: string }[] }>('list_brands');
    expect(all.items.map((b) => b.brand_id)).toEqual(['brnd_0001', 'brnd_0002', 'brnd_0003']);
    const first = await c.ok<{ items: { brand_id: string }[]; has_more: boolean }>('list_brands', { page_size: 2 });
    expect(first.items.map((b) => b.brand_id)).toEqual(['brnd_0001', 'brnd_0002']);
    expect(first.has_more).toBe(true);
    expect(await c.ok('list_brands', { page_size: 2, page_number: 1 })).toMatchObject({
      items: [{ brand_id: 'brnd_0003' }],
      page_number: 1,
      has_more: false,
    });
  });

  test('update_brand changes only the given fields, null clears, enabled: false suspends', async () => {
    await c.ok('create_brand', acme);
    c.engine.clock.advance(60_000);
    const updated = await c.ok('update_brand', { brand_id: 'brnd_0002', name: 'Acme', description: null, enabled: false });
    expect(updated).toMatchObject({
      ...acme,
      name: 'Acme',
      description: null,
      enabled: false,
      created_at: TEST_START,
      updated_at: '2025-04-01T00:01:00.000Z',
    });
  });

  test('the primary brand cannot be edited through update_brand', async () => {
    expect(await c.fail('update_brand', { brand_id: 'brnd_0001', name: 'Renamed' })).toBe(
      'UNABLE_TO_EDIT_PRIMARY_BRAND: brand brnd_0001 is the primary brand and cannot be edited. ' + 'Next: create_brand makes a brand you can edit',
    );
    expect(await c.ok('get_brand', { brand_id: 'brnd_0001' })).toEqual(primary);
  });

  test('an unknown brand is NOT_FOUND with the next step', async () => {
    const expected = 'NOT_FOUND: no brand brnd_nope. Next: list_brands shows the existing ids';
    expect(await c.fail('get_brand', { brand_id: 'brnd_nope' })).toBe(expected);
    expect(await c.fail('update_brand', { brand_id: 'brnd_nope', name: 'X' })).toBe(expected);
  });

  test('field rules: statement descriptor 5–22 characters, support email an address, unknown fields refused', async () => {
    expect(await c.fail('create_brand', { name: 'Acme', statement_descriptor: 'ACME' })).toBe(
      'INVALID_REQUEST_BODY: invalid arguments for create_brand: statement_descriptor: Too small: expected string to ' +
        'have >=5 characters. Next: fix those fields and call create_brand again; its input schema lists every field',
    );
    expect(await c.fail('create_brand', { name: 'Acme', support_email: 'acme' })).toBe(
      'INVALID_REQUEST_BODY: support_email must be an email address, got "acme". ' +
        'Next: send an address like support@example.com, or null to clear it',
    );
    await c.ok('create_brand', { name: 'Acme' });
    expect(await c.fail('update_brand', { brand_id: 'brnd_0002', nmae: 'Typo' })).toBe(
      'INVALID_REQUEST_BODY: invalid arguments for update_brand: (arguments): Unrecognized key: "nmae". ' +
        'Next: fix those fields and call update_brand again; its input schema lists every field',
    );
  });

  test('products are sold under the primary brand unless given a brand_id', async () => {
    await c.ok('create_brand', { name: 'Acme' });
    const price = { type: 'one_time_price', currency: 'USD', price: 1900 };
    const plain = await c.ok('create_product', { name: 'Guide', tax_category: 'e_book', price });
    const branded = await c.ok('create_product', { name: 'Kit', tax_category: 'e_book', price, brand_id: 'brnd_0002' });
    expect(plain).toMatchObject({ brand_id: 'brnd_0001' });
    expect(branded).toMatchObject({ brand_id: 'brnd_0002' });
  });
});
