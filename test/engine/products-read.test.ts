// Rule under test: products/repo.ts findProduct — on a SQLite connection of openDatabase it reads through
// one raw statement (rows as arrays, addons sorted by position in JS) and returns exactly what the portable
// Kysely read returns; it never reads another request's transaction in progress (it waits for the commit),
// reads its own transaction's changes from inside it, and sees what another connection committed.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { openDatabase, rawSqliteOf } from '../../src/engine/db/database.js';
import { inTransaction } from '../../src/engine/db/transaction.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { sequentialIds } from '../../src/engine/ids.js';
import { findProduct, PRODUCT_COLUMNS, productRowOf, updateProductRow } from '../../src/engine/products/repo.js';
import { tempDir } from '../support/cli-process.js';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';

const monthly = { payment_frequency_count: 1, payment_frequency_interval: 'Month' } as const;

const engines: Engine[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** On SQLite in every run: these tests are about the SQLite connection's raw read. */
async function testEngine(): Promise<TestEngine> {
  const engine = await createTestEngine(undefined, { database: 'sqlite' });
  engines.push(engine);
  return engine;
}

/** The same database through a Kysely handle openDatabase did not make: findProduct takes the portable read. */
function portable(engine: Engine) {
  const db = engine.ctx.db.withoutPlugins();
  expect(rawSqliteOf(db)).toBeUndefined();
  return db;
}

describe('findProduct on SQLite', () => {
  test('the raw statement reads every column of products, each from its own index', async () => {
    const values = PRODUCT_COLUMNS.map((_, index) => index);
    expect(Object.values(productRowOf(values))).toEqual(values);
    const raw = rawSqliteOf((await testEngine()).ctx.db);
    const columns = raw?.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all('products') ?? [];
    expect(new Set(PRODUCT_COLUMNS)).toEqual(new Set(columns.map((c) => c.name)));
  });

  test('returns what the portable read returns: addons by position, meters, one-time and license fields', async () => {
    const engine = await testEngine();
    const [a, b, c] = [
      await engine.addons.create({ name: 'Seat', price: 500, currency: 'USD', tax_category: 'saas' }),
      await engine.addons.create({ name: 'Storage', price: 200, currency: 'USD', tax_category: 'saas' }),
      await engine.addons.create({ name: 'Support', price: 900, currency: 'USD', tax_category: 'saas' }),
    ];
    const meter = await engine.meters.create({ name: 'Calls', event_name: 'api.call', measurement_unit: 'calls', aggregation: { type: 'count' } });
    const products = [
      // Positions against creation (and id) order: c, a, b.
      await engine.products.create({
        name: 'Pro',
        description: 'Everything',
        tax_category: 'saas',
        price: {
          type: 'recurring_price',
          currency: 'USD',
          price: 3000,
          discount: 10,
          trial_period_days: 14,
          subscription_period_count: 1,
          subscription_period_interval: 'Year',
          ...monthly,
        },
        addons: [c.addon_id, a.addon_id, b.addon_id],
        metadata: { tier: 'pro' },
      }),
      await engine.products.create({
        name: 'Basic',
        tax_category: 'saas',
        price: { type: 'recurring_price', currency: 'USD', price: 1000, ...monthly },
      }),
      await engine.products.create({
        name: 'Metered',
        tax_category: 'saas',
        price: {
          type: 'usage_based_price',
          currency: 'USD',
          fixed_price: 0,
          ...monthly,
          meters: [{ meter_id: meter.meter_id, price_per_unit: '1' }],
        },
      }),
      await engine.products.create({
        name: 'Guide',
        tax_category: 'e_book',
        price: { type: 'one_time_price', currency: 'USD', price: 1900, pay_what_you_want: true, suggested_price: 2500 },
        license_key_enabled: true,
        license_key_activations_limit: 3,
        license_key_duration: { count: 1, interval: 'Year' },
        license_key_activation_message: 'Welcome',
      }),
    ];
    expect(products[0]?.addons).toEqual([c.addon_id, a.addon_id, b.addon_id]);
    const business = engine.ctx.businessId;
    for (const product of products) {
      const raw = await findProduct(engine.ctx.db, business, product.product_id);
      expect(raw).toEqual(product);
      expect(raw).toEqual(await findProduct(portable(engine), business, product.product_id));
    }
    expect(await findProduct(engine.ctx.db, business, 'pdt_missing')).toBeUndefined();
    expect(await findProduct(engine.ctx.db, 'bus_other', products[0]?.product_id ?? '')).toBeUndefined();
  });

  test("waits for another request's transaction instead of reading its uncommitted change; reads its own from inside", async () => {
    const engine = await testEngine();
    const { product_id } = await engine.products.create({
      name: 'Basic',
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price: 1000, ...monthly },
    });
    const business = engine.ctx.businessId;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let written = () => {};
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const transaction = inTransaction(engine.ctx.db, async (trx) => {
      await updateProductRow(trx, product_id, { name: 'Renamed' });
      expect((await findProduct(trx, business, product_id))?.name).toBe('Renamed');
      written();
      await held;
    });
    await wrote;
    let outside: string | undefined;
    const read = findProduct(engine.ctx.db, business, product_id).then((product) => (outside = product?.name));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(outside).toBeUndefined();
    release();
    await transaction;
    await read;
    expect(outside).toBe('Renamed');
  });

  test('sees what another connection to the file committed', async () => {
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    const path = join(dir.path, 'billing.db');
    const one = await createEngine({ db: openDatabase({ path }).db, ids: sequentialIds() });
    engines.push(one);
    const { product_id } = await one.products.create({
      name: 'Basic',
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price: 1000, ...monthly },
    });
    expect((await one.products.get(product_id)).name).toBe('Basic');
    const two = await createEngine({ db: openDatabase({ path }).db, ids: sequentialIds() });
    engines.push(two);
    await two.products.update(product_id, { name: 'Renamed' });
    expect((await one.products.get(product_id)).name).toBe('Renamed');
  });
});
