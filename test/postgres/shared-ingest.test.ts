// Rule under test (issue 17, replicas; SPEC §2.7 ingestion, D17 one engine across processes): on PostgreSQL,
// usage batches from several processes are stored side by side — a batch waits for no other batch — while
// every other write still waits for a batch in flight and a batch for it (the write lock taken shared by
// ingestion only, db/lock-mode.ts). Batches sent at once with overlapping event ids store each event once and
// count it once: ingested_count over all of them equals the distinct ids, whatever deadlocks PostgreSQL ends.
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FrozenClock } from '../../src/engine/clock.js';
import { openPostgresDatabase } from '../../src/engine/db/postgres.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import type { UsageEventInput } from '../../src/engine/usage/types.js';
import { TEST_POSTGRES_URL } from '../support/test-database.js';

const url = TEST_POSTGRES_URL as string;
const schema = `shared_ingest_${process.pid}`;
/**
 * This file's sessions (both engines and the holders) name themselves, so the polls below count only them:
 * other test files use the same database at the same time, with lock waits of their own.
 */
const ours = (() => {
  const named = new URL(url);
  named.searchParams.set('application_name', schema);
  return named.toString();
})();
const NOW = '2025-04-15T12:00:00.000Z';
/** How long the second process's writes wait for the lock before DATABASE_BUSY. */
const SECOND_WAITS_MS = 1500;
let admin: pg.Client;
/** Two engines with pools of their own: two processes on one database. */
let first: Engine;
let second: Engine;
let customers: string[];

const event = (event_id: string, customer_id: string): UsageEventInput => ({
  event_id,
  customer_id,
  event_name: 'api.call',
  timestamp: '2025-04-15T11:00:00.000Z',
  metadata: { tokens: 3 },
});

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  first = await createEngine({ db: openPostgresDatabase({ url: ours, schema }).db, clock: new FrozenClock(NOW) });
  second = await createEngine({ db: openPostgresDatabase({ url: ours, schema, writeLockWaitMs: SECOND_WAITS_MS }).db, clock: new FrozenClock(NOW) });
  customers = [];
  for (let i = 0; i < 3; i++) customers.push((await first.customers.create({ email: `c${i}@example.com`, name: `C${i}` })).customer_id);
});
afterAll(async () => {
  await first.close();
  await second.close();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

/**
 * Until `count` of this file's sessions wait on a lock of the kind: `transactionid`, another transaction's
 * uncommitted event_id; `advisory`, the engine's write lock.
 */
async function sessionsWaiting(kind: 'transactionid' | 'advisory', count: number): Promise<void> {
  for (let tries = 0; tries < 300; tries++) {
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND wait_event = $2",
      [schema, kind],
    );
    if ((rows[0]?.n ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`fewer than ${count} sessions came to wait on a ${kind} lock`);
}
const sessionsWaitOnALock = (count: number) => sessionsWaiting('transactionid', count);
const sessionsWaitForTheWriteLock = (count: number) => sessionsWaiting('advisory', count);

/** A transaction outside the engine holding `eventId` uncommitted in usage_events, until it is rolled back. */
async function holdEventId(eventId: string, customerId: string): Promise<{ release(): Promise<void> }> {
  const holder = new pg.Client({ connectionString: ours });
  await holder.connect();
  await holder.query(`SET search_path = ${schema}`);
  await holder.query('BEGIN');
  await holder.query(
    `INSERT INTO usage_events (id_hash, event_id, business_id, customer_id, event_name, timestamp, metadata)
     SELECT 0, $1, business_id, customer_id, 'api.call', 0, NULL FROM customers WHERE customer_id = $2`,
    [eventId, customerId],
  );
  return {
    release: async () => {
      await holder.query('ROLLBACK');
      await holder.end();
    },
  };
}

test('a batch in flight: another process stores its batch meanwhile, and its other writes wait (DATABASE_BUSY)', async () => {
  const [customer = ''] = customers;
  // A transaction outside the engine holds event_id evt_held uncommitted, so the first process's batch, which
  // holds it too, stops inside its write transaction until that one ends: a batch in flight, on the lock.
  const held = await holdEventId('evt_held', customer);
  try {
    const inFlight = first.usage.ingest([event('evt_first_1', customer), event('evt_held', customer), event('evt_first_2', customer)]);
    await sessionsWaitOnALock(1);

    // Exclusive, this batch would wait SECOND_WAITS_MS for the first one and answer DATABASE_BUSY.
    await expect(second.usage.ingest([event('evt_second_1', customer), event('evt_second_2', customer)])).resolves.toEqual({
      ingested_count: 2,
      duplicate_count: 0,
    });
    // Any other write waits for the batch in flight: a new customer does not land beside it.
    await expect(second.customers.create({ email: 'late@example.com', name: 'Late' })).rejects.toMatchObject({ code: 'DATABASE_BUSY' });

    await held.release();
    await expect(inFlight).resolves.toEqual({ ingested_count: 3, duplicate_count: 0 });
  } finally {
    await held.release().catch(() => undefined);
  }
  await expect(second.customers.create({ email: 'late@example.com', name: 'Late' })).resolves.toMatchObject({ name: 'Late' });
  const stored = await first.usage.listEvents({ customer_id: customer }, { page_size: 100 });
  expect(stored.items.map((e) => e.event_id).sort()).toEqual(['evt_first_1', 'evt_first_2', 'evt_held', 'evt_second_1', 'evt_second_2']);
});

test('batches sent at once by two processes with overlapping ids: each event stored once and counted once', async () => {
  // 12 batches of 200 ids drawn from 600, half of them in reverse order (the order that can deadlock).
  const pool = Array.from({ length: 600 }, (_, i) => `evt_race_${String(i).padStart(3, '0')}`);
  const batches = Array.from({ length: 12 }, (_, b) => {
    const ids = Array.from({ length: 200 }, (_, j) => pool[(b * 97 + j * 7) % pool.length] ?? '');
    const ordered = b % 2 === 0 ? ids : ids.reverse();
    return ordered.map((id, j) => event(id, customers[j % customers.length] ?? ''));
  });
  const distinct = new Set(batches.flat().map((e) => e.event_id));
  const results = await Promise.all(batches.map((batch, b) => (b % 2 === 0 ? first : second).usage.ingest(batch)));

  for (const [b, result] of results.entries()) {
    const inBatch = new Set(batches[b]?.map((e) => e.event_id)).size;
    expect(result.ingested_count + result.duplicate_count).toBe(200);
    expect(result.duplicate_count).toBeGreaterThanOrEqual(200 - inBatch);
  }
  expect(results.reduce((sum, r) => sum + r.ingested_count, 0)).toBe(distinct.size);
  const { rows } = await admin.query<{ n: number; ids: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS ids FROM ${schema}.usage_events WHERE event_id LIKE 'evt_race_%'`,
  );
  expect(rows[0]).toEqual({ n: distinct.size, ids: distinct.size });
});

test("two batches deadlocked on each other's ids: PostgreSQL ends one, it is stored again, each event counted once", async () => {
  const [customer = ''] = customers;
  // The first batch stores evt_dl_y, then stops on evt_dl_h1; the second stores evt_dl_x, then stops on evt_dl_h2.
  // Released, the first goes on to evt_dl_x (the second's) and the second to evt_dl_y (the first's): a deadlock.
  const h1 = await holdEventId('evt_dl_h1', customer);
  const h2 = await holdEventId('evt_dl_h2', customer);
  const firstBatch = first.usage.ingest(['evt_dl_y', 'evt_dl_h1', 'evt_dl_x'].map((id) => event(id, customer)));
  await sessionsWaitOnALock(1);
  const secondBatch = second.usage.ingest(['evt_dl_x', 'evt_dl_h2', 'evt_dl_y'].map((id) => event(id, customer)));
  await sessionsWaitOnALock(2);
  await h1.release();
  await sessionsWaitOnALock(2);
  await h2.release();

  const results = await Promise.all([firstBatch, secondBatch]);
  // The batch PostgreSQL ended was stored again after the other committed: its two shared ids are duplicates.
  // (Each batch waits for the other, so one must have been ended. pg_stat_database's deadlock count is not
  // checked: it is the whole database's, where other test files run at the same time.)
  expect(results.map((r) => r.ingested_count).sort()).toEqual([1, 3]);
  expect(results.map((r) => r.duplicate_count).sort()).toEqual([0, 2]);
  const { rows } = await admin.query<{ event_id: string }>(
    `SELECT event_id FROM ${schema}.usage_events WHERE event_id LIKE 'evt_dl_%' ORDER BY event_id`,
  );
  expect(rows.map((r) => r.event_id)).toEqual(['evt_dl_h1', 'evt_dl_h2', 'evt_dl_x', 'evt_dl_y']);
});

test('a write waiting for its turn is not overtaken by batches sent after it', async () => {
  const [customer = ''] = customers;
  const held = await holdEventId('evt_turn_held', customer);
  try {
    const inFlight = first.usage.ingest([event('evt_turn_held', customer)]);
    await sessionsWaitOnALock(1);
    // A new customer waits for the batch in flight; a batch sent after it waits behind it, not beside the
    // batch in flight, so a steady stream of batches cannot keep every other write waiting.
    const created = first.customers.create({ email: 'turn@example.com', name: 'Turn' });
    await sessionsWaitForTheWriteLock(1);
    const later = second.usage.ingest([event('evt_turn_later', customer)]);
    await sessionsWaitForTheWriteLock(2);
    const settled: string[] = [];
    const results = Promise.all([
      inFlight.then(() => settled.push('in flight')),
      created.then(() => settled.push('customer')),
      later.then(() => settled.push('later batch')),
    ]);
    await held.release();
    await results;
    expect(settled).toEqual(['in flight', 'customer', 'later batch']);
  } finally {
    await held.release().catch(() => undefined);
  }
});
