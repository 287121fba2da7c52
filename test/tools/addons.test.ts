// Rule under test: addon tools follow SPEC §1.4 and §2.12 — price per unit per cycle in minor units,
// PATCH updates, and an addon's currency stays that of the products it is attached to.
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

const seat = { name: 'Extra seat', price: 500, currency: 'USD', tax_category: 'saas' };
const pro = {
  name: 'Pro',
  tax_category: 'saas',
  price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
};

describe('addons', () => {
  test('create_addon returns the addon with amounts in minor units; get_addon returns the same', async () => {
    const created = await c.ok('create_addon', { ...seat, description: 'One more team member' });
    expect(created).toEqual({
      addon_id: 'adn_0001',
      business_id: 'bus_0001',
      name: 'Extra seat',
      description: 'One more team member',
      price: 500,
      currency: 'USD',
      tax_category: 'saas',
      image: null,
      created_at: TEST_START,
      updated_at: TEST_START,
    });
    expect(await c.ok('get_addon', { addon_id: 'adn_0001' })).toEqual(created);
  });

  test('list_addons is oldest first and paged', async () => {
    expect(await c.ok('list_addons')).toEqual({ items: [], page_number: 0, page_size: 20, has_more: false });
    for (const name of ['Seat', 'Storage', 'Support']) await c.ok('create_addon', { ...seat, name });
    const first = await c.ok('list_addons', { page_size: 2 });
    expect(first).toMatchObject({ items: [{ addon_id: 'adn_0001' }, { addon_id: 'adn_0002' }], has_more: true });
    const second = await c.ok('list_addons', { page_size: 2, page_number: 1 });
    expect(second).toMatchObject({ items: [{ addon_id: 'adn_0003', name: 'Support' }], has_more: false });
  });

  test('update_addon changes only the given fields and null clears description', async () => {
    await c.ok('create_addon', { ...seat, description: 'One more team member' });
    c.engine.clock.advance(60_000);
    expect(await c.ok('update_addon', { addon_id: 'adn_0001', price: 700, description: null })).toMatchObject({
      name: 'Extra seat',
      price: 700,
      currency: 'USD',
      description: null,
      updated_at: '2025-04-01T00:01:00.000Z',
    });
  });

  test('an attached addon keeps the currency of its products; a free one may change', async () => {
    await c.ok('create_addon', seat);
    await c.ok('create_addon', { ...seat, name: 'Storage' });
    const product = await c.ok('create_product', { ...pro, addons: ['adn_0001'] });
    expect(product).toMatchObject({ addons: ['adn_0001'] });
    expect(await c.fail('update_addon', { addon_id: 'adn_0001', currency: 'INR' })).toBe(
      'UNSUPPORTED_CURRENCY: addon adn_0001 is attached to USD products; its currency cannot become INR. ' +
        'Next: detach it from those products first, or create a new addon',
    );
    expect(await c.ok('update_addon', { addon_id: 'adn_0002', currency: 'INR' })).toMatchObject({ currency: 'INR' });
  });

  test('an unknown addon is NOT_FOUND with the next step', async () => {
    const expected = 'NOT_FOUND: no addon adn_nope. Next: list_addons shows the existing ids';
    expect(await c.fail('get_addon', { addon_id: 'adn_nope' })).toBe(expected);
    expect(await c.fail('update_addon', { addon_id: 'adn_nope', price: 100 })).toBe(expected);
  });

  test('a price that is not whole minor units is refused before the engine sees it', async () => {
    expect(await c.fail('create_addon', { ...seat, price: 4.99 })).toBe(
      'INVALID_REQUEST_BODY: invalid arguments for create_addon: price: Invalid input: expected int, received number. ' +
        'Next: fix those fields and call create_addon again; its input schema lists every field',
    );
    expect(await c.ok('list_addons')).toMatchObject({ items: [] });
  });
});
