// Rule under test (issue 17; "bad input gets a clear error and changes nothing, the server keeps serving"): on
// PostgreSQL, a connection that dies in the middle of a call (the server restarted, an administrator ended the
// session, a network cut) answers the retryable DATABASE_BUSY saying the call changed nothing, not an internal
// error; what the call had written is gone with its transaction, and the next call is served on a new connection.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FrozenClock } from '../../src/engine/clock.js';
import { openPostgresDatabase } from '../../src/engine/db/postgres.js';
import { sequentialIds } from '../../src/engine/ids.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { TEST_POSTGRES_URL } from '../support/test-database.js';

const url = TEST_POSTGRES_URL as string;
const schema = `connection_lost_${process.pid}`;
let admin: pg.Client;
let engine: Engine;

const basic = (name: string) => ({ name, tax_category: 'saas', price: { type: 'one_time_price', currency: 'USD', price: 3000 } }) as const;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  engine = await createEngine({
    db: openPostgresDatabase({ url, schema }).db,
    clock: new FrozenClock('2025-04-01T00:00:00.000Z'),
    ids: sequentialIds(),
  });
});
afterAll(async () => {
  await engine.close();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

test('a connection ended mid-transaction: DATABASE_BUSY, nothing written, and the next call is served', async () => {
  await engine.products.create(basic('Before'));
  const failed = engine.ctx.transaction(async (tx) => {
    await tx.products.create(basic('Lost'));
    const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx.db);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
    return tx.products.create(basic('Never'));
  });
  await expect(failed).rejects.toMatchObject({ code: 'DATABASE_BUSY', message: expect.stringContaining('this call changed nothing') });
  const after = await engine.products.create(basic('After'));
  expect(after.name).toBe('After');
  expect((await engine.products.list({})).items.map((p) => p.name).sort()).toEqual(['After', 'Before']);
});
