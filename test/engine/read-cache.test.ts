// Rule under test: db/read-cache.ts — inside a transaction that opened a read cache (the due-work runner's
// batches), catalogue reads run once and hand out the same frozen value; a write to a cached table drops
// what was cached, so a later read sees it; closed, or on any other db, every call reads afresh.
import { afterEach, describe, expect, test } from 'vitest';
import { forgetCachedReads, openReadCache } from '../../src/engine/db/read-cache.js';
import { inTransaction } from '../../src/engine/db/transaction.js';
import { findProduct, findProducts, updateProductRow } from '../../src/engine/products/repo.js';
import { getSettings, updateSettings } from '../../src/engine/settings/repo.js';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';
import { plan } from '../support/subscription-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

describe('read cache of a transaction', () => {
  test('one read per key while open, frozen; a write forgets; closed reads afresh', async () => {
    engine = await createTestEngine();
    const product = await plan(engine);
    const business = engine.ctx.businessId;
    await inTransaction(engine.ctx.db, async (trx) => {
      const close = openReadCache(trx);
      const first = await findProduct(trx, business, product.product_id);
      expect(await findProduct(trx, business, product.product_id)).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
      expect(Object.isFrozen(first?.price)).toBe(true);
      const many = await findProducts(trx, business, [product.product_id]);
      expect(await findProducts(trx, business, [product.product_id])).toBe(many);
      const settings = await getSettings(trx, business);
      expect(await getSettings(trx, business)).toBe(settings);

      await updateProductRow(trx, product.product_id, { name: 'Renamed' });
      expect((await findProduct(trx, business, product.product_id))?.name).toBe('Renamed');
      await updateSettings(trx, business, { default_tax_rate_bps: 1000 }, engine.clock.now());
      expect((await getSettings(trx, business)).default_tax_rate_bps).toBe(1000);

      const before = await findProduct(trx, business, product.product_id);
      forgetCachedReads(trx);
      expect(await findProduct(trx, business, product.product_id)).not.toBe(before);
      close();
      expect(await findProduct(trx, business, product.product_id)).not.toBe(await findProduct(trx, business, product.product_id));
    });
    // The root db never had a cache: fresh, unfrozen values.
    const outside = await findProduct(engine.ctx.db, business, product.product_id);
    expect(outside).not.toBe(await findProduct(engine.ctx.db, business, product.product_id));
    expect(Object.isFrozen(outside)).toBe(false);
  });
});
