// Rule under test (README "--read-only", issue 17): on PostgreSQL, --read-only opens every connection with
// default_transaction_read_only, so no statement can write whatever a caller asks; the engine opens on a
// migrated database and reads, and a write is refused by the database itself with nothing changed.
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FrozenClock } from '../../src/engine/clock.js';
import { openPostgresDatabase } from '../../src/engine/db/postgres.js';
import { sequentialIds } from '../../src/engine/ids.js';
import { createEngine } from '../../src/engine/index.js';
import { TEST_POSTGRES_URL } from '../support/test-database.js';

const url = TEST_POSTGRES_URL as string;
const schema = `read_only_${process.pid}`;
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const writable = openPostgresDatabase({ url, schema });
  const engine = await createEngine({ db: writable.db, clock: new FrozenClock('2025-04-01T00:00:00.000Z'), ids: sequentialIds() });
  await engine.products.create({ name: 'Basic', tax_category: 'saas', price: { type: 'one_time_price', currency: 'USD', price: 3000 } });
  await engine.close();
});
afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

test('reads answer; a write is refused by the database and changes nothing', async () => {
  const opened = openPostgresDatabase({ url, schema, readonly: true });
  const engine = await createEngine({ db: opened.db, readonly: true });
  try {
    expect((await engine.products.list({})).items.map((p) => p.name)).toEqual(['Basic']);
    expect((await engine.testClock.get()).offset_ms).toBe(0);
    await expect(
      engine.products.create({ name: 'Pro', tax_category: 'saas', price: { type: 'one_time_price', currency: 'USD', price: 8000 } }),
    ).rejects.toMatchObject({ code: '25006' });
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.products`)).rows).toEqual([{ n: 1 }]);
  } finally {
    await engine.close();
  }
});
