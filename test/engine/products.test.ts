// Rule under test: the catalogue rules of SPEC §1.1 and §1.4 — price types, PWYW and suggested price,
// addons only on subscriptions, currencies, tax categories, archive hides from lists, pricing model fixed.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { NewProduct } from '../../src/engine/products/types.js';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

const monthly = { payment_frequency_count: 1, payment_frequency_interval: 'Month' } as const;
const basic: NewProduct = {
  name: 'Basic',
  tax_category: 'saas',
  price: { type: 'recurring_price', currency: 'USD', price: 3000, ...monthly },
};
const ebook: NewProduct = {
  name: 'Guide',
  tax_category: 'e_book',
  price: { type: 'one_time_price', currency: 'USD', price: 1900 },
};

async function seats(currency = 'USD') {
  return engine.addons.create({ name: 'Seat', price: 500, currency, tax_category: 'saas' });
}

describe('create_product rules', () => {
  test('defaults: discount 0, no trial, no term, license keys off, primary brand', async () => {
    const product = await engine.products.create(basic);
    expect(product).toMatchObject({
      product_id: 'pdt_0001',
      brand_id: 'brnd_0001',
      is_recurring: true,
      license_key_enabled: false,
      license_key_activations_limit: null,
      archived: false,
      metadata: {},
      price: {
        type: 'recurring_price',
        currency: 'USD',
        price: 3000,
        discount: 0,
        payment_frequency_count: 1,
        payment_frequency_interval: 'Month',
        subscription_period_count: null,
        subscription_period_interval: null,
        trial_period_days: 0,
        tax_inclusive: null,
      },
    });
  });

  test('usage-based prices keep a fixed fee and are recurring', async () => {
    const product = await engine.products.create({
      name: 'API',
      tax_category: 'saas',
      price: { type: 'usage_based_price', currency: 'USD', fixed_price: 0, ...monthly },
    });
    expect(product.is_recurring).toBe(true);
    expect(product.price).toMatchObject({ type: 'usage_based_price', fixed_price: 0 });
  });

  test.each<[string, NewProduct, string]>([
    [
      'a suggested price below the PWYW minimum',
      { ...ebook, price: { type: 'one_time_price', currency: 'USD', price: 500, pay_what_you_want: true, suggested_price: 300 } },
      'INVALID_SUGGESTED_PRICE',
    ],
    [
      'a suggested price without pay what you want',
      { ...ebook, price: { type: 'one_time_price', currency: 'USD', price: 500, suggested_price: 800 } },
      'INVALID_REQUEST_PARAMETERS',
    ],
    ['a currency other than USD or INR', { ...ebook, price: { type: 'one_time_price', currency: 'EUR', price: 500 } }, 'UNSUPPORTED_CURRENCY'],
    ['an unknown tax category', { ...ebook, tax_category: 'groceries' }, 'UNSUPPORTED_TAX_CATEGORY'],
    ['a fractional amount', { ...ebook, price: { type: 'one_time_price', currency: 'USD', price: 19.99 } }, 'INVALID_REQUEST_BODY'],
    [
      'a discount over 100 %',
      { ...ebook, price: { type: 'one_time_price', currency: 'USD', price: 500, discount: 101 } },
      'INVALID_REQUEST_PARAMETERS',
    ],
    [
      'a trial over 10000 days',
      { ...basic, price: { type: 'recurring_price', currency: 'USD', price: 3000, ...monthly, trial_period_days: 10_001 } },
      'INVALID_REQUEST_PARAMETERS',
    ],
    [
      'a term count without its interval',
      { ...basic, price: { type: 'recurring_price', currency: 'USD', price: 3000, ...monthly, subscription_period_count: 10 } },
      'INVALID_REQUEST_PARAMETERS',
    ],
    ['a name over 100 characters', { ...basic, name: 'x'.repeat(101) }, 'INVALID_REQUEST_BODY'],
    ['51 metadata keys', { ...basic, metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'MAXIMUM_KEYS_REACHED'],
    ['an unknown brand', { ...basic, brand_id: 'brnd_nope' }, 'NOT_FOUND'],
  ])('rejects %s and stores nothing', async (_case, input, code) => {
    await expect(engine.products.create(input)).rejects.toMatchObject({ code });
    expect((await engine.products.list()).items).toEqual([]);
  });

  test('addons attach to subscription products in the same currency only', async () => {
    const usd = await seats('USD');
    const inr = await seats('INR');
    const plan = await engine.products.create({ ...basic, addons: [usd.addon_id] });
    expect(plan.addons).toEqual([usd.addon_id]);

    await expect(engine.products.create({ ...basic, addons: [inr.addon_id] })).rejects.toMatchObject({ code: 'UNSUPPORTED_CURRENCY' });
    await expect(engine.products.create({ ...basic, addons: ['adn_nope'] })).rejects.toMatchObject({ code: 'MISSING_ADDON_IDS' });
    await expect(engine.products.create({ ...ebook, addons: [usd.addon_id] })).rejects.toMatchObject({ code: 'INVALID_REQUEST_PARAMETERS' });
    await expect(
      engine.products.create({
        name: 'API',
        tax_category: 'saas',
        price: { type: 'usage_based_price', currency: 'USD', fixed_price: 0, ...monthly },
        addons: [usd.addon_id],
      }),
    ).rejects.toMatchObject({ code: 'ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED' });
  });

  test('an addon attached to USD products cannot become INR', async () => {
    const usd = await seats('USD');
    await engine.products.create({ ...basic, addons: [usd.addon_id] });
    await expect(engine.addons.update(usd.addon_id, { currency: 'INR' })).rejects.toMatchObject({ code: 'UNSUPPORTED_CURRENCY' });
    expect((await engine.addons.get(usd.addon_id)).currency).toBe('USD');
  });
});

describe('update_product', () => {
  test('PATCH semantics: omitted fields stay, null clears, addons replace the list', async () => {
    const usd = await seats();
    await engine.products.create({ ...basic, description: 'Old', addons: [usd.addon_id] });
    engine.clock.advance(1000);
    const updated = await engine.products.update('pdt_0001', { description: null, addons: [] });
    expect(updated).toMatchObject({ name: 'Basic', description: null, addons: [], updated_at: '2025-04-01T00:00:01.000Z' });
    expect(updated.created_at).toBe('2025-04-01T00:00:00.000Z');
  });

  test('a new price within the same model applies; a different model is refused', async () => {
    await engine.products.create(basic);
    const repriced = await engine.products.update('pdt_0001', {
      price: { type: 'recurring_price', currency: 'USD', price: 3500, ...monthly, trial_period_days: 7 },
    });
    expect(repriced.price).toMatchObject({ price: 3500, trial_period_days: 7 });
    await expect(
      engine.products.update('pdt_0001', { price: { type: 'usage_based_price', currency: 'USD', fixed_price: 0, ...monthly } }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST_PARAMETERS' });
  });

  test('license-key settings: limit ≥ 0 or null, duration count ≥ 1', async () => {
    await engine.products.create(ebook);
    const licensed = await engine.products.update('pdt_0001', {
      license_key_enabled: true,
      license_key_activations_limit: 3,
      license_key_duration: { count: 1, interval: 'Year' },
    });
    expect(licensed).toMatchObject({
      license_key_enabled: true,
      license_key_activations_limit: 3,
      license_key_duration: { count: 1, interval: 'Year' },
    });
    await expect(engine.products.update('pdt_0001', { license_key_activations_limit: -1 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
    });
  });
});

describe('list, archive, unarchive', () => {
  test('archived products leave the default list and come back when unarchived', async () => {
    await engine.products.create(basic);
    await engine.products.create(ebook);
    await engine.products.archive('pdt_0001');
    expect((await engine.products.list()).items.map((p) => p.product_id)).toEqual(['pdt_0002']);
    expect((await engine.products.list({ archived: true })).items.map((p) => p.product_id)).toEqual(['pdt_0001']);
    await engine.products.unarchive('pdt_0001');
    expect((await engine.products.list()).items.map((p) => p.product_id)).toEqual(['pdt_0001', 'pdt_0002']);
  });

  test('filters by recurring and brand, and pages with has_more', async () => {
    const brand = await engine.brands.create({ name: 'Side project' });
    await engine.products.create(basic);
    await engine.products.create(ebook);
    await engine.products.create({ ...ebook, name: 'Other', brand_id: brand.brand_id });
    expect((await engine.products.list({ recurring: true })).items.map((p) => p.name)).toEqual(['Basic']);
    expect((await engine.products.list({ recurring: false })).items.map((p) => p.name)).toEqual(['Guide', 'Other']);
    expect((await engine.products.list({ brand_id: brand.brand_id })).items.map((p) => p.name)).toEqual(['Other']);
    const first = await engine.products.list({}, { page_size: 2 });
    expect([first.items.length, first.has_more]).toEqual([2, true]);
    const second = await engine.products.list({}, { page_size: 2, page_number: 1 });
    expect([second.items.map((p) => p.name), second.has_more]).toEqual([['Other'], false]);
  });
});
