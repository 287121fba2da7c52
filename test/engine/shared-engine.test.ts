// Rule under test (issue 12, SPEC D17): engines on one database file are one engine. Here two engines in
// this process, each on its own SQLite connection to one file (as two server processes would be): a write
// waits for the other's write lock and, when the wait runs out, fails with the retryable DATABASE_BUSY and
// changes nothing; the test clock is the stored one, read again only when another connection committed;
// advances are serialised; an advance that fails midway says how far it got; a webhook attempt claimed by
// one engine is not sent by the other while the claim lasts. The same races across real processes are in
// test/e2e/shared-database.test.ts.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { OffsetClock, systemClock } from '../../src/engine/clock.js';
import { openDatabase } from '../../src/engine/db/database.js';
import { inTransaction } from '../../src/engine/db/transaction.js';
import { beginWriteTransaction } from '../../src/engine/db/write-lock.js';
import { BillingError } from '../../src/engine/errors.js';
import { sequentialIds } from '../../src/engine/ids.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import type { DueWorkRunner } from '../../src/engine/subscriptions/runner.js';
import type { DueWorkResult } from '../../src/engine/subscriptions/types.js';
import type { WebhookMessagesTable } from '../../src/engine/db/schema.js';
import { sqliteStoredOffset } from '../../src/engine/test-clock/repo.js';
import { TestClockService } from '../../src/engine/test-clock/service.js';
import { claimDueMessages, dueMessageKeys } from '../../src/engine/webhooks/repo.js';
import { tempDir } from '../support/cli-process.js';

const DAY_MS = 86_400_000;

let dir: Awaited<ReturnType<typeof tempDir>>;
const engines: Engine[] = [];
const raws: Database.Database[] = [];

beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.close();
  for (const engine of engines.splice(0)) await engine.close();
  await dir.remove();
});

async function engineOn(path: string, writeLockWaitMs?: number): Promise<Engine> {
  const { db } = openDatabase({ path, ...(writeLockWaitMs !== undefined && { writeLockWaitMs }) });
  const engine = await createEngine({ db, ids: sequentialIds() });
  engines.push(engine);
  return engine;
}

/** A bare connection to the file, as another process would hold one. */
function otherConnection(path: string): Database.Database {
  const raw = new Database(path);
  raws.push(raw);
  return raw;
}

describe('the write lock', () => {
  test('a write waits while another connection holds the lock, then succeeds', async () => {
    const path = join(dir.path, 'wait.db');
    const engine = await engineOn(path);
    const other = otherConnection(path);
    other.exec('BEGIN IMMEDIATE');
    setTimeout(() => other.exec('COMMIT'), 150);
    const started = performance.now();
    const customer = await engine.customers.create({ email: 'wait@example.com', name: 'Wait' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(customer.email).toBe('wait@example.com');
  });

  test('a wait that runs out is DATABASE_BUSY ("retry the call") and writes nothing', async () => {
    const path = join(dir.path, 'busy.db');
    const engine = await engineOn(path, 100);
    const other = otherConnection(path);
    other.exec('BEGIN IMMEDIATE');
    const refused = await engine.customers.create({ email: 'busy@example.com', name: 'Busy' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BillingError);
    expect(refused).toMatchObject({ code: 'DATABASE_BUSY', nextStep: 'retry the call' });
    other.exec('COMMIT');
    expect((await engine.customers.list({})).items).toEqual([]);
    // The engine keeps serving once the lock is free.
    await engine.customers.create({ email: 'busy@example.com', name: 'Busy' });
    expect((await engine.customers.list({})).items).toHaveLength(1);
  });

  test("a connection's first write transaction waits in short tries too, not asleep in SQLite's busy handler", async () => {
    const path = join(dir.path, 'first.db');
    await engineOn(path);
    const { sqlite } = openDatabase({ path, writeLockWaitMs: 100 });
    raws.push(sqlite);
    const other = otherConnection(path);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    await expect(beginWriteTransaction(sqlite)).rejects.toMatchObject({ code: 'DATABASE_BUSY' });
    // SQLite's busy handler would have held the whole process for the connection's busy_timeout (5 s).
    expect(performance.now() - started).toBeLessThan(2000);
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    other.exec('COMMIT');
  });
});

describe('one test clock', () => {
  test("an advance by one engine is the other's time at its next read, without any call in between", async () => {
    const path = join(dir.path, 'clock.db');
    const a = await engineOn(path);
    const b = await engineOn(path);
    const advanced = await b.testClock.advance({ by: { days: 10 } });
    expect(a.ctx.clock.now()).toBeGreaterThanOrEqual(Date.parse(advanced.to));
    expect(Math.abs(a.ctx.clock.now() - b.ctx.clock.now())).toBeLessThan(50);
  });

  test('the stored offset is read again only after another connection commits; in a write transaction it holds', async () => {
    const path = join(dir.path, 'version.db');
    const engine = await engineOn(path);
    const raw = new Database(path);
    raws.push(raw);
    const stored = sqliteStoredOffset(raw, engine.ctx.businessId);
    const quiet = stored.version();
    expect(stored.version()).toBe(quiet);
    await engine.customers.create({ email: 'v@example.com', name: 'V' });
    const afterWrite = stored.version();
    expect(afterWrite).not.toBe(quiet);
    // A clock following the store reads the offset only when the version moved.
    const clock = new OffsetClock(systemClock);
    let reads = 0;
    clock.follow({ version: () => stored.version(), read: () => (reads++, stored.read()) });
    clock.now();
    clock.now();
    expect(reads).toBe(1);
    await engine.testClock.advance({ by: { days: 1 } });
    expect(clock.now() - Date.now()).toBeGreaterThanOrEqual(DAY_MS - 1000);
    expect(reads).toBe(2);
  });

  test('advances from two engines at once run one after the other: the second starts where the first ended', async () => {
    const path = join(dir.path, 'serial.db');
    const a = await engineOn(path);
    const b = await engineOn(path);
    const [first, second] = await Promise.all([a.testClock.advance({ by: { days: 3 } }), b.testClock.advance({ by: { days: 4 } })]);
    const [earlier, later] = Date.parse(first.from) <= Date.parse(second.from) ? [first, second] : [second, first];
    expect(Date.parse(later.from)).toBeGreaterThanOrEqual(Date.parse(earlier.to));
    // Stored as where the last advance left it: 7 days ahead, never a sum of both engines' views.
    const offset = (await a.testClock.get()).offset_ms;
    expect(offset).toBeGreaterThan(7 * DAY_MS - 2000);
    expect(offset).toBeLessThanOrEqual(7 * DAY_MS);
    const lease = await a.ctx.db.selectFrom('test_clock').select(['advance_owner']).executeTakeFirstOrThrow();
    expect(lease.advance_owner).toBeNull();
  });

  test('an advance that fails after doing work answers completed: false, where it stopped, and what it did', async () => {
    const path = join(dir.path, 'stopped.db');
    const engine = await engineOn(path);
    const start = engine.ctx.clock.now();
    const renewed: DueWorkResult = {
      at: new Date(start + DAY_MS).toISOString(),
      subscription_id: 'sub_1',
      kind: 'renewal',
      status_before: 'active',
      status_after: 'active',
      events: ['payment.succeeded', 'subscription.renewed'],
    };
    // A runner that does one item at day 1, then meets a database that stayed locked.
    const runner = {
      nextDueAt: async () => null,
      run: async (_until: number, options: { moveClockTo?: (at: number) => Promise<void>; report?: (r: DueWorkResult) => void }) => {
        await options.moveClockTo?.(start + DAY_MS);
        options.report?.(renewed);
        throw new BillingError(
          'DATABASE_BUSY',
          'another billing-mcp process held the database lock for 15 s; this call changed nothing',
          'retry the call',
        );
      },
    } as unknown as DueWorkRunner;
    const service = new TestClockService(engine.ctx, runner);
    const result = await service.advance({ by: { days: 5 } });
    expect(result).toMatchObject({ completed: false, processed_count: 1, processed: [renewed], events: renewed.events });
    expect(result.stopped_by).toMatch(/^DATABASE_BUSY: .*call advance_test_clock again to go on$/);
    expect(Date.parse(result.to) - start).toBeGreaterThanOrEqual(DAY_MS);
    expect(Date.parse(result.to) - start).toBeLessThan(2 * DAY_MS);
    expect(Date.parse(result.target) - start).toBeGreaterThanOrEqual(5 * DAY_MS);
    // Nothing done yet: the failure is the answer, and the clock has not moved.
    const idle = new TestClockService(engine.ctx, {
      nextDueAt: async () => null,
      run: async () => {
        throw new BillingError('DATABASE_BUSY', 'busy', 'retry the call');
      },
    } as unknown as DueWorkRunner);
    const before = (await engine.testClock.get()).offset_ms;
    await expect(idle.advance({ by: { days: 1 } })).rejects.toMatchObject({ code: 'DATABASE_BUSY' });
    expect((await engine.testClock.get()).offset_ms).toBe(before);
  });
});

describe('a long advance', () => {
  test('lists the first 500 items it processed and counts them all (the answer stays small)', async () => {
    const path = join(dir.path, 'long.db');
    const engine = await engineOn(path);
    const start = engine.ctx.clock.now();
    const item = (i: number): DueWorkResult => ({
      at: new Date(start + 1000 + i).toISOString(),
      subscription_id: `sub_${i}`,
      kind: 'renewal',
      status_before: 'active',
      status_after: 'active',
      events: ['payment.succeeded'],
    });
    const runner = {
      nextDueAt: async () => null,
      run: async (_until: number, options: { report?: (r: DueWorkResult) => void }) => {
        for (let i = 0; i < 1200; i++) options.report?.(item(i));
        return [];
      },
    } as unknown as DueWorkRunner;
    const result = await new TestClockService(engine.ctx, runner).advance({ by: { days: 1 } });
    expect(result.processed_count).toBe(1200);
    expect(result.processed).toHaveLength(500);
    expect(result.processed[499]?.subscription_id).toBe('sub_499');
    expect(result.events).toHaveLength(500);
  });
});

describe('webhook claims', () => {
  test('a message claimed by one engine is neither due nor claimable for another until the claim lapses', async () => {
    const path = join(dir.path, 'claims.db');
    const engine = await engineOn(path);
    const db = engine.ctx.db;
    const now = engine.ctx.clock.now();
    await db
      .insertInto('webhook_endpoints')
      .values({
        webhook_id: 'wh_1',
        business_id: engine.ctx.businessId,
        url: 'http://127.0.0.1:9/hooks',
        description: null,
        disabled: 0,
        filter_types: '[]',
        headers: '{}',
        rate_limit: null,
        metadata: '{}',
        secret: 'whsec_x',
        previous_secret: null,
        previous_secret_expires_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const message = (message_id: string): WebhookMessagesTable => ({
      message_id,
      webhook_id: 'wh_1',
      business_id: engine.ctx.businessId,
      event_id: null,
      event_type: 'payment.succeeded',
      object_id: null,
      event_payload: '{}',
      occurred_at: now,
      body: null,
      status: 'pending',
      scheduled_attempts: 0,
      next_attempt_at: now,
      is_test: 0,
      created_at: now,
      updated_at: now,
    });
    await db
      .insertInto('webhook_messages')
      .values([message('msg_1'), message('msg_2')])
      .execute();
    const x = { owner: 'engine-x', realNow: 1000 };
    const y = { owner: 'engine-y', realNow: 1000 };
    expect(await inTransaction(db, (trx) => claimDueMessages(trx, ['msg_1'], now, x, 5000))).toEqual(['msg_1']);
    expect(await inTransaction(db, (trx) => claimDueMessages(trx, ['msg_1'], now, y, 5000))).toEqual([]);
    expect(await dueMessageKeys(db, engine.ctx.businessId, now, 10, y)).toEqual([{ message_id: 'msg_2', webhook_id: 'wh_1' }]);
    expect((await dueMessageKeys(db, engine.ctx.businessId, now, 10, x)).map((k) => k.message_id)).toEqual(['msg_1', 'msg_2']);
    // A rate-limited endpoint (its throttle is in one engine's memory) is sent to by one engine at a time.
    expect(await inTransaction(db, (trx) => claimDueMessages(trx, ['msg_2'], now, y, 5000, 'wh_1'))).toEqual([]);
    expect(await inTransaction(db, (trx) => claimDueMessages(trx, ['msg_2'], now, y, 5000))).toEqual(['msg_2']);
    // x died: after its claim lapses, y takes the message.
    const later = { ...y, realNow: 5000 };
    expect(await dueMessageKeys(db, engine.ctx.businessId, now, 10, later)).toHaveLength(2);
    expect(await inTransaction(db, (trx) => claimDueMessages(trx, ['msg_1'], now, later, 9000))).toEqual(['msg_1']);
  });
});
