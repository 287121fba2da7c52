// Rule under test (issue 17): the engine's migrations build the whole schema on an empty PostgreSQL database,
// and running them again changes nothing. The PostgreSQL schema has every table and column the SQLite schema
// has (the same engine on either database), and a second engine start on a migrated database runs no DDL.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/engine/db/database.js';
import { openPostgresDatabase } from '../../src/engine/db/postgres.js';
import { FrozenClock } from '../../src/engine/clock.js';
import { sequentialIds } from '../../src/engine/ids.js';
import { createEngine } from '../../src/engine/index.js';
import { TEST_POSTGRES_URL } from '../support/test-database.js';
import * as library from '../../src/index.js';

const url = TEST_POSTGRES_URL as string;
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
});

async function freshSchema(name: string): Promise<string> {
  await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE; CREATE SCHEMA ${name}`);
  return name;
}

/** Every table's columns, and every index's definition, in a schema. */
async function postgresSchemaOf(schema: string): Promise<{ columns: string[]; indexes: string[] }> {
  const columns = await admin.query<{ c: string }>(
    `SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable AS c FROM information_schema.columns
     WHERE table_schema = $1 ORDER BY table_name, column_name`,
    [schema],
  );
  const indexes = await admin.query<{ i: string }>(
    `SELECT indexname || ' ' || replace(indexdef, $1 || '.', '') AS i FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`,
    [schema],
  );
  return { columns: columns.rows.map((r) => r.c), indexes: indexes.rows.map((r) => r.i) };
}

describe('migrations on PostgreSQL', () => {
  test('build every table and column SQLite has, from an empty schema', async () => {
    const schema = await freshSchema('migrate_empty');
    const opened = openPostgresDatabase({ url, schema });
    try {
      await migrateToLatest(opened.db);
    } finally {
      await opened.close();
    }
    const sqlite = openDatabase({ path: ':memory:' });
    await migrateToLatest(sqlite.db);
    const sqliteColumns = sqlite.sqlite
      .prepare(
        `SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1`,
      )
      .pluck()
      .all() as string[];
    await sqlite.close();
    const { columns, indexes } = await postgresSchemaOf(schema);
    expect(columns.map((c) => c.split(':')[0]).sort()).toEqual([...sqliteColumns].sort());
    // The PostgreSQL usage store's indexes and the partial unique discount code (migration 0012).
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^usage_events_by_event_id CREATE UNIQUE INDEX .* \(event_id\)$/),
        expect.stringMatching(/^usage_events_by_customer CREATE INDEX .* \(customer_id, event_name, "timestamp", seq\)$/),
        expect.stringMatching(/^discounts_live_code CREATE UNIQUE INDEX .* \(business_id, code\) WHERE \(deleted_at IS NULL\)$/),
      ]),
    );
    // Money and instants are 64-bit integers, never floating point.
    expect(columns).toContain('payments.total_amount:bigint:NO');
    expect(columns).toContain('outbox_events.sequence:bigint:NO');
  });

  test('run again, they change nothing: same schema, same recorded migrations, no DDL', async () => {
    const schema = await freshSchema('migrate_twice');
    const first = openPostgresDatabase({ url, schema });
    await migrateToLatest(first.db);
    await first.close();
    const before = await postgresSchemaOf(schema);
    const recorded = await admin.query(`SELECT name, timestamp FROM ${schema}.kysely_migration ORDER BY name`);
    const ddlBefore = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_class WHERE relnamespace = $1::regnamespace`, [schema]);

    const again = openPostgresDatabase({ url, schema });
    const engine = await createEngine({ db: again.db, clock: new FrozenClock('2025-04-01T00:00:00.000Z'), ids: sequentialIds() });
    await migrateToLatest(again.db);
    await engine.close();

    expect(await postgresSchemaOf(schema)).toEqual(before);
    expect((await admin.query(`SELECT name, timestamp FROM ${schema}.kysely_migration ORDER BY name`)).rows).toEqual(recorded.rows);
    expect((await admin.query(`SELECT count(*) AS n FROM pg_class WHERE relnamespace = $1::regnamespace`, [schema])).rows).toEqual(ddlBefore.rows);
    expect(recorded.rows.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['0012-postgres', '0013-postgres-parity']));
  });

  test('a second live discount with the same code is refused by the database itself (partial unique index)', async () => {
    const schema = await freshSchema('discount_index');
    const opened = openPostgresDatabase({ url, schema });
    const engine = await createEngine({ db: opened.db, clock: new FrozenClock('2025-04-01T00:00:00.000Z'), ids: sequentialIds() });
    try {
      const first = await engine.discounts.create({ type: 'percentage', amount: 1000, code: 'SPRING' });
      const row = await admin.query(`SELECT * FROM ${schema}.discounts WHERE discount_id = $1`, [first.discount_id]);
      const copy = { ...row.rows[0], discount_id: 'dsc_copy' } as Record<string, unknown>;
      const keys = Object.keys(copy);
      const insert = `INSERT INTO ${schema}.discounts (${keys.join(', ')}) VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')})`;
      await expect(admin.query(insert, Object.values(copy))).rejects.toMatchObject({ code: '23505', constraint: 'discounts_live_code' });
      // Once the first is deleted, the code is free again (SPEC §1.5: a deleted code can be reused).
      await engine.discounts.delete(first.discount_id);
      await admin.query(insert, Object.values(copy));
    } finally {
      await engine.close();
    }
  });

  test("the library's entry opens the engine on PostgreSQL (the pg driver loaded on demand)", async () => {
    const schema = await freshSchema('library_entry');
    const opened = await library.openPostgresDatabase({ url, schema });
    const engine = await library.createEngine({ db: opened.db, clock: new library.FrozenClock('2025-04-01T00:00:00.000Z') });
    try {
      const product = await engine.products.create({
        name: 'Basic',
        tax_category: 'saas',
        price: { type: 'one_time_price', currency: 'USD', price: 3000 },
      });
      expect(await engine.products.get(product.product_id)).toMatchObject({ name: 'Basic', price: { price: 3000 } });
    } finally {
      await engine.close();
    }
  });

  test('a schema named in the URL that does not exist yet is created, then migrated', async () => {
    await admin.query('DROP SCHEMA IF EXISTS made_on_start CASCADE');
    const opened = openPostgresDatabase({ url, schema: 'made_on_start' });
    const engine = await createEngine({ db: opened.db, clock: new FrozenClock('2025-04-01T00:00:00.000Z'), ids: sequentialIds() });
    await engine.close();
    const { columns } = await postgresSchemaOf('made_on_start');
    expect(columns).toContain('products.price:bigint:NO');
  });
});
