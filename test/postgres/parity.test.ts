// Rules under test (issue 17): text and whole numbers on PostgreSQL answer as on SQLite.
// 1. Migration 0013: the engine lists rows in the order SQLite lists them, whatever the database's locale. SQLite compares text byte by byte ('prd_B' < 'prd_a', '-' < '_').
// A database made with a language locale (the postgres image's en_US.utf8, or ICU 'en-US' as here) sorts
// 'prd_a' before 'prd_B'. The engine's text columns are collated "C" (byte order), so a list under a frozen
// clock, where every row has the same created_at and the id decides, comes out the same on both databases.
// 2. Migration 0013: whole numbers are 64-bit, as SQLite's INTEGER: a usage_limit of 2^31 is stored, not an
// internal error ("out of range for type integer").
// 3. PostgreSQL's text cannot hold U+0000. The doors refuse it (test/tools, test/web, test/transports); the
// engine's library used directly gets INVALID_REQUEST_BODY from the driver, never a raw database error, and
// nothing is stored.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FrozenClock } from '../../src/engine/clock.js';
import type { IdKind, IdSource } from '../../src/engine/ids.js';
import { openPostgresDatabase } from '../../src/engine/db/postgres.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { TEST_POSTGRES_URL } from '../support/test-database.js';

const base = TEST_POSTGRES_URL as string;
const DATABASE = `billing_icu_${process.pid}`;
let admin: pg.Client;
let url: string;

/** Ids that sort one way by bytes and another by English rules. */
const IDS = ['prd_a', 'prd_B', 'prd-c', 'prd_D', 'prd_e', 'prd_Z'];
const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

beforeAll(async () => {
  admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.query(`CREATE DATABASE ${DATABASE} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'`);
  const u = new URL(base);
  u.pathname = `/${DATABASE}`;
  url = u.toString();
});
afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.end();
});

/** An engine on the ICU database whose product ids are IDS, in the order given. */
async function engineWithIds(schema: string): Promise<{ engine: Engine; close: () => Promise<void> }> {
  const opened = openPostgresDatabase({ url, schema });
  const queue = [...IDS].reverse();
  let n = 0;
  const ids: IdSource = {
    next: (kind: IdKind): string => (kind === 'product' ? (queue.pop() ?? `pdt_x${++n}`) : `${kind}_${String(++n).padStart(4, '0')}`),
  };
  const engine = await createEngine({ db: opened.db, clock: new FrozenClock('2025-04-01T00:00:00.000Z'), ids });
  return { engine, close: () => engine.close() };
}

describe('text order on a PostgreSQL database with a language locale', () => {
  test('the database itself sorts these ids by English rules, not by bytes (the case the migration is for)', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>(`SELECT id FROM unnest($1::text[]) AS t(id) ORDER BY id`, [IDS]);
      expect(rows.map((r) => r.id)).not.toEqual([...IDS].sort(byBytes));
    } finally {
      await client.end();
    }
  });

  test('list_products with one created_at lists by id in byte order, as on SQLite', async () => {
    const { engine, close } = await engineWithIds('order_products');
    try {
      for (const id of IDS) {
        const product = await engine.products.create({
          name: id,
          tax_category: 'saas',
          price: { type: 'one_time_price', currency: 'USD', price: 100 },
        });
        expect(product.product_id).toBe(id);
      }
      const page = await engine.products.list();
      expect(page.items.map((p) => p.product_id)).toEqual([...IDS].sort(byBytes));
    } finally {
      await close();
    }
  });

  test('usage events with one timestamp list newest first, then event_id descending in byte order', async () => {
    const { engine, close } = await engineWithIds('order_usage');
    try {
      const customer = await engine.customers.create({ email: 'a@example.com', name: 'A' });
      const eventIds = IDS.map((id) => id.replace('prd', 'evt'));
      const timestamp = '2025-03-31T23:00:00.000Z';
      await engine.usage.ingest(eventIds.map((event_id) => ({ event_id, customer_id: customer.customer_id, event_name: 'api.call', timestamp })));
      const page = await engine.usage.listEvents();
      expect(page.items.map((e) => e.event_id)).toEqual([...eventIds].sort(byBytes).reverse());
    } finally {
      await close();
    }
  });

  test('after the migrations every text column is collated "C" and no whole-number column is 32-bit', async () => {
    const { close } = await engineWithIds('order_columns');
    await close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ c: string; type: string; collation: string | null }>(
        `SELECT table_name || '.' || column_name AS c, data_type AS type, collation_name AS collation FROM information_schema.columns
         WHERE table_schema = 'order_columns' AND table_name NOT LIKE 'kysely%'`,
      );
      expect(rows.filter((r) => r.type === 'text').length).toBeGreaterThan(100);
      expect(rows.filter((r) => r.type === 'text' && r.collation !== 'C')).toEqual([]);
      expect(rows.filter((r) => ['integer', 'smallint', 'real'].includes(r.type))).toEqual([]);
    } finally {
      await client.end();
    }
  });

  test('whole numbers past 2^31 are stored and read back as numbers, as on SQLite', async () => {
    const { engine, close } = await engineWithIds('wide_numbers');
    try {
      const discount = await engine.discounts.create({ type: 'percentage', amount: 1000, usage_limit: 2 ** 31, subscription_cycles: 2 ** 40 });
      expect(await engine.discounts.get(discount.discount_id)).toMatchObject({ usage_limit: 2 ** 31, subscription_cycles: 2 ** 40 });
    } finally {
      await close();
    }
  });
});

describe('a NUL character reaching the PostgreSQL driver', () => {
  test('is INVALID_REQUEST_BODY, and the transaction it was in stores nothing', async () => {
    const { engine, close } = await engineWithIds('nul_text');
    try {
      await engine.customers.create({ email: 'a@example.com', name: 'A' });
      await expect(engine.customers.create({ email: 'b@example.com', name: 'B\u0000' })).rejects.toMatchObject({
        code: 'INVALID_REQUEST_BODY',
        message: 'a text value holds the NUL character (U+0000), which no billing text may contain; nothing was changed',
      });
      expect((await engine.customers.list()).items.map((c) => c.email)).toEqual(['a@example.com']);
      // The engine goes on serving.
      expect((await engine.customers.create({ email: 'c@example.com', name: 'C' })).email).toBe('c@example.com');
    } finally {
      await close();
    }
  });
});
