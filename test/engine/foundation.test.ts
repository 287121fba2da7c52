// Rule under test: every write is one transaction and its events commit with it (DESIGN "Engine
// principles"); the engine sets up its business once; ids and time are injected.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FrozenClock } from '../../src/engine/clock.js';
import { openDatabase, pendingMigrations } from '../../src/engine/db/database.js';
import { eventsAfter, recordEvent } from '../../src/engine/events/outbox.js';
import { randomIds, sequentialIds } from '../../src/engine/ids.js';
import { createEngine } from '../../src/engine/index.js';
import { createTestEngine } from '../support/test-engine.js';
import { testDialect } from '../support/test-database.js';

describe('outbox', () => {
  test('an event written in a transaction that fails is gone with the change', async () => {
    const engine = await createTestEngine();
    await expect(
      engine.ctx.transaction(async (tx) => {
        await recordEvent(tx, { type: 'payment.succeeded', objectId: 'pay_1', payload: { amount: 3000 } });
        throw new Error('the charge failed after the event was written');
      }),
    ).rejects.toThrow('the charge failed');
    expect(await eventsAfter(engine.ctx.db, 0, 10)).toEqual([]);

    await engine.ctx.transaction((tx) => recordEvent(tx, { type: 'payment.succeeded', objectId: 'pay_2', payload: { amount: 3000 } }));
    expect(await eventsAfter(engine.ctx.db, 0, 10)).toEqual([
      {
        // SQLite's AUTOINCREMENT takes a rolled-back number back; PostgreSQL's identity never does (a gap, in order).
        sequence: testDialect === 'postgres' ? 2 : 1,
        // evt_0001 went to the rolled-back event: ids are never reused, even when their row is gone.
        event_id: 'evt_0002',
        business_id: 'bus_0001',
        type: 'payment.succeeded',
        object_id: 'pay_2',
        payload: { amount: 3000 },
        occurred_at: '2025-04-01T00:00:00.000Z',
      },
    ]);
    await engine.close();
  });

  test('recording an event outside a transaction is a bug', async () => {
    const engine = await createTestEngine();
    await expect(recordEvent(engine.ctx, { type: 'payment.failed', objectId: null, payload: {} })).rejects.toThrow(/inside the transaction/);
    await engine.close();
  });
});

describe('set-up', () => {
  test('a new database gets one business with default settings and a primary brand', async () => {
    const engine = await createTestEngine();
    expect(await engine.settings.get()).toEqual({
      business_id: 'bus_0001',
      allow_multiple_subscriptions: true,
      allow_subscription_updates: false,
      default_tax_rate_bps: 0,
      // SPEC D18: the plan-change defaults a collection's null fields inherit.
      proration_billing_mode_on_upgrade: 'prorated_immediately',
      proration_billing_mode_on_downgrade: 'prorated_immediately',
      effective_at_on_upgrade: 'immediately',
      effective_at_on_downgrade: 'next_billing_date',
      on_payment_failure: 'apply_change',
      updated_at: '2025-04-01T00:00:00.000Z',
    });
    const brands = await engine.brands.list();
    expect(brands.items.map((b) => [b.brand_id, b.is_primary])).toEqual([['brnd_0001', true]]);
    await engine.close();
  });

  test('reopening a file keeps the business, and a read-only engine opens it without writing', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'billing-mcp-')), 'billing.db');
    const first = openDatabase({ path });
    const engine = await createEngine({ db: first.db, clock: new FrozenClock('2025-04-01T00:00:00Z'), ids: randomIds });
    const businessId = engine.ctx.businessId;
    await engine.products.create({
      name: 'Basic',
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
    });
    await engine.close();

    const again = openDatabase({ path });
    const reopened = await createEngine({ db: again.db });
    expect(reopened.ctx.businessId).toBe(businessId);
    expect(await pendingMigrations(again.db)).toEqual([]);
    await reopened.close();

    const readonly = openDatabase({ path, readonly: true });
    const reader = await createEngine({ db: readonly.db, readonly: true });
    expect((await reader.products.list()).items).toHaveLength(1);
    await expect(reader.settings.update({ allow_subscription_updates: true })).rejects.toThrow(/readonly/i);
    await reader.close();
  });

  test('a read-only engine refuses a database that was never set up', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'billing-mcp-')), 'empty.db');
    openDatabase({ path }).sqlite.close();
    const readonly = openDatabase({ path, readonly: true });
    await expect(createEngine({ db: readonly.db, readonly: true })).rejects.toThrow(/without --read-only/);
    await readonly.close();
  });
});

describe('settings', () => {
  test('updates are partial and the tax rate is basis points 0–10000', async () => {
    const engine = await createTestEngine();
    engine.clock.advance(60_000);
    const updated = await engine.settings.update({ default_tax_rate_bps: 1800 });
    expect(updated).toMatchObject({ default_tax_rate_bps: 1800, allow_multiple_subscriptions: true, updated_at: '2025-04-01T00:01:00.000Z' });
    await expect(engine.settings.update({ default_tax_rate_bps: 10_001 })).rejects.toMatchObject({ code: 'INVALID_REQUEST_PARAMETERS' });
    expect((await engine.settings.get()).default_tax_rate_bps).toBe(1800);
    await engine.close();
  });
});

describe('ids and clock', () => {
  test('sequential ids count per kind; random ids carry ~143 bits after their prefix', () => {
    const ids = sequentialIds();
    expect([ids.next('product'), ids.next('product'), ids.next('addon')]).toEqual(['pdt_0001', 'pdt_0002', 'adn_0001']);
    const id = randomIds.next('product');
    expect(id).toMatch(/^pdt_[0-9A-Za-z]{24}$/);
    expect(new Set(Array.from({ length: 1000 }, () => randomIds.next('product'))).size).toBe(1000);
  });

  test('a frozen clock moves only forward, when told', () => {
    const clock = new FrozenClock('2025-04-01T00:00:00Z');
    clock.advance(1000);
    expect(new Date(clock.now()).toISOString()).toBe('2025-04-01T00:00:01.000Z');
    expect(() => clock.set('2025-03-01T00:00:00Z')).toThrow(/backwards/);
  });
});
