// Rule under test: product tools follow SPEC §1.1 and §2.12 (pricing model immutable, PATCH semantics).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';

let c: ConnectedClient;
beforeEach(async () => {
  c = await connectClient();
});
afterEach(async () => {
  await c.close();
});

const basic = {
  name: 'Basic',
  tax_category: 'saas',
  price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
};

describe('products', () => {
  test('create then get returns the same product, amounts in minor units', async () => {
    const created = await c.ok<{ product_id: string; price: { price: number } }>('create_product', basic);
    expect(created.product_id).toBe('pdt_0001');
    expect(created.price.price).toBe(3000);
    const got = await c.ok('get_product', { product_id: 'pdt_0001' });
    expect(got).toEqual(created);
  });

  test('an unknown product is NOT_FOUND with the next step, and the server keeps answering', async () => {
    expect(await c.fail('get_product', { product_id: 'pdt_nope' })).toBe(
      'NOT_FOUND: no product pdt_nope. Next: list_products shows the existing ids',
    );
    expect(await c.fail('get_product', {})).toMatch(/^INVALID_REQUEST_BODY: invalid arguments for get_product: product_id/);
    await c.ok('create_product', basic);
  });

  test('issue 13: unknown keys inside price (pay_what_you_want on a recurring price, bogus) are refused, nothing stored', async () => {
    const text = await c.fail('create_product', { ...basic, price: { ...basic.price, pay_what_you_want: true, bogus: 1 } });
    expect(text).toMatch(/^INVALID_REQUEST_BODY: invalid arguments for create_product: price: /);
    expect(text).toContain('pay_what_you_want');
    expect(text).toContain('bogus');
    expect(await c.ok('list_products', {})).toMatchObject({ items: [] });
    // One level deeper: a meter line of a usage price.
    const deeper = await c.fail('create_product', {
      name: 'API',
      tax_category: 'saas',
      price: {
        type: 'usage_based_price',
        currency: 'USD',
        fixed_price: 0,
        payment_frequency_count: 1,
        payment_frequency_interval: 'Month',
        meters: [{ meter_id: 'mtr_1', price_per_unit: '2', free: 10 }],
      },
    });
    expect(deeper).toMatch(/^INVALID_REQUEST_BODY: .*price\.meters\.0: .*free/);
  });

  test('issue 13: an amount above 10000000000 minor units is refused by the schema, nothing stored', async () => {
    const text = await c.fail('create_product', { ...basic, price: { ...basic.price, price: 10_000_000_001 } });
    expect(text).toMatch(/^INVALID_REQUEST_BODY: invalid arguments for create_product: price\.price: /);
    expect(await c.ok('list_products', {})).toMatchObject({ items: [] });
    await c.ok('create_product', { ...basic, price: { ...basic.price, price: 10_000_000_000 } });
  });

  test('the pricing model cannot change', async () => {
    await c.ok('create_product', basic);
    const text = await c.fail('update_product', {
      product_id: 'pdt_0001',
      price: { type: 'one_time_price', currency: 'USD', price: 100 },
    });
    expect(text).toMatch(/^INVALID_REQUEST_PARAMETERS: product pdt_0001 has a recurring_price/);
  });
});
