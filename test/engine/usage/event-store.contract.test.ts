// Rule under test: every UsageEventStore keeps the contract written in src/engine/usage/store.ts. One suite,
// run against each implementation in IMPLEMENTATIONS on a real database: ingestion is idempotent by
// event_id (within a batch, across batches, across connections) and all or nothing, alone or joined to a
// caller's transaction (a rollback leaves no trace); every read answers the
// same before and after a merge; a meter's units over [start, end) leave an event at exactly `end` to the
// next period and equal the reference aggregation (meters/matching.ts) to the last bit; a second connection
// on the same database (another server process) sees the first one's events.
//
// SQLite runs twice: with the default merge threshold (events stay staged until mergeStaged) and merging
// after every batch, so each case reads both layouts. PostgreSQL runs when the tests have a server
// (BILLING_MCP_TEST_PG, as `npm run test:pg` and CI give them): a fresh schema per case.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FrozenClock } from '../../../src/engine/clock.js';
import { type Db, openDatabase } from '../../../src/engine/db/database.js';
import { inTransaction } from '../../../src/engine/db/transaction.js';
import { BillingError } from '../../../src/engine/errors.js';
import { sequentialIds } from '../../../src/engine/ids.js';
import { createEngine } from '../../../src/engine/index.js';
import { aggregate, matchesFilter } from '../../../src/engine/rules/meter-matching.js';
import type { Aggregation, MeterFilter, UsageMetadata } from '../../../src/engine/meters/types.js';
import { usageEventStoreFor, type UsageEventStoreOptions } from '../../../src/engine/usage/open-store.js';
import type { UsageEventRow } from '../../../src/engine/usage/rules.js';
import type { MeterDefinition, UnitOfWork, UsageEventStore } from '../../../src/engine/usage/store.js';
import { openPostgresDatabase } from '../../../src/engine/db/postgres.js';
import { openTestDatabase, TEST_POSTGRES_URL } from '../../support/test-database.js';

/** A store over a fresh database that holds the schema and one business. */
interface Subject {
  store: UsageEventStore;
  unit: UnitOfWork;
  /** A new customer of the business. */
  newCustomer(): Promise<string>;
  /** The same database through another connection, as another server process opens it. */
  connectAgain(): Promise<{ store: UsageEventStore; unit: UnitOfWork }>;
  /** Runs `work` in a transaction opened the way the engine opens one, committed unless `work` throws. */
  transaction<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

interface Implementation {
  name: string;
  open(): Promise<Subject>;
}

function sqlite(name: string, options: UsageEventStoreOptions): Implementation {
  return {
    name,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'usage-store-'));
      const path = join(dir, 'usage.db');
      // The engine sets the database up (migrations, the business); the suite then talks to the store alone.
      const engine = await createEngine({ db: openDatabase({ path }).db, clock: new FrozenClock(T0_ISO), ids: sequentialIds() });
      const businessId = engine.ctx.businessId;
      const others: Array<() => Promise<void>> = [];
      return {
        store: usageEventStoreFor(engine.ctx.db, options),
        unit: { db: engine.ctx.db, businessId },
        newCustomer: async () =>
          (await engine.customers.create({ email: `c${Math.random().toString(36).slice(2)}@example.com`, name: 'C' })).customer_id,
        transaction: (work) => inTransaction(engine.ctx.db, (trx) => work({ db: trx, businessId })),
        async connectAgain() {
          const opened = openDatabase({ path });
          others.push(() => opened.close());
          return { store: usageEventStoreFor(opened.db, options), unit: { db: opened.db, businessId } };
        },
        async close() {
          for (const close of others) await close();
          await engine.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

function postgres(url: string): Implementation {
  return {
    name: 'PostgreSQL',
    async open() {
      const { db, recycle } = await openTestDatabase();
      const engine = await createEngine({ db, clock: new FrozenClock(T0_ISO), ids: sequentialIds() });
      const businessId = engine.ctx.businessId;
      const { schema } = await db.selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('schema')).executeTakeFirstOrThrow();
      const others: Array<() => Promise<void>> = [];
      return {
        store: usageEventStoreFor(engine.ctx.db),
        unit: { db: engine.ctx.db, businessId },
        newCustomer: async () =>
          (await engine.customers.create({ email: `c${Math.random().toString(36).slice(2)}@example.com`, name: 'C' })).customer_id,
        transaction: (work) => inTransaction(engine.ctx.db, (trx) => work({ db: trx, businessId })),
        async connectAgain() {
          const opened = openPostgresDatabase({ url, schema });
          others.push(() => opened.close());
          return { store: usageEventStoreFor(opened.db), unit: { db: opened.db, businessId } };
        },
        async close() {
          for (const close of others) await close();
          await engine.close();
          await recycle();
        },
      };
    },
  };
}

const IMPLEMENTATIONS: Implementation[] = [
  sqlite('SQLite', {}),
  sqlite('SQLite, merging after every batch', { mergeThreshold: 1 }),
  ...(TEST_POSTGRES_URL ? [postgres(TEST_POSTGRES_URL)] : []),
];

const T0_ISO = '2025-04-01T00:00:00.000Z';
const T0 = Date.parse(T0_ISO);
const MINUTE = 60_000;

const count: MeterDefinition = { event_name: 'api.call', aggregation: { type: 'count', key: null }, filter: null };
const tokens: MeterDefinition = { event_name: 'api.call', aggregation: { type: 'sum', key: 'tokens' }, filter: null };
const ids = (rows: readonly UsageEventRow[]) => rows.map((r) => r.event_id);

/** A customer row written straight into `db` (a transaction that may roll back), as create_customer writes it. */
async function insertCustomer(db: Db, businessId: string, customerId: string): Promise<void> {
  await db
    .insertInto('customers')
    .values({
      customer_id: customerId,
      business_id: businessId,
      email: `${customerId}@example.com`,
      name: customerId,
      phone_number: null,
      metadata: '{}',
      sequence: 1000,
      created_at: T0,
      updated_at: T0,
    })
    .execute();
}

describe.each(IMPLEMENTATIONS)('UsageEventStore contract: $name', (implementation) => {
  let subject: Subject;
  let store: UsageEventStore;
  let unit: UnitOfWork;
  let cus: string;

  beforeEach(async () => {
    subject = await implementation.open();
    ({ store, unit } = subject);
    cus = await subject.newCustomer();
  });
  afterEach(async () => subject.close());

  const row = (event_id: string, minute: number, extra: Partial<UsageEventRow> = {}): UsageEventRow => ({
    event_id,
    business_id: unit.businessId,
    customer_id: cus,
    event_name: 'api.call',
    timestamp: T0 + minute * MINUTE,
    metadata: JSON.stringify({ tokens: minute }),
    ...extra,
  });
  const ingest = (rows: readonly UsageEventRow[], on: { store: UsageEventStore; unit: UnitOfWork } = { store, unit }) =>
    on.store.ingest(on.unit, () => rows);
  const listAll = (on: { store: UsageEventStore; unit: UnitOfWork } = { store, unit }) => on.store.list(on.unit, {}, 0, 1000);

  describe('idempotent ingestion', () => {
    test('an event_id stored by an earlier batch is skipped and counted, staged or merged, never an error', async () => {
      expect(await ingest([row('e1', 1), row('e2', 2), row('e3', 3)])).toEqual({ ingested: 3, duplicates: 0 });
      expect(await ingest([row('e2', 2), row('e3', 3), row('e4', 4)])).toEqual({ ingested: 1, duplicates: 2 });
      await store.mergeStaged(unit);
      // A re-sent event keeps what was stored first: e1's second copy says 99 tokens and is not stored.
      expect(await ingest([row('e1', 1, { metadata: JSON.stringify({ tokens: 99 }) }), row('e4', 4), row('e5', 5)])).toEqual({
        ingested: 1,
        duplicates: 2,
      });
      expect(ids(await listAll())).toEqual(['e5', 'e4', 'e3', 'e2', 'e1']);
      expect((await store.find(unit, 'e1'))?.metadata).toBe('{"tokens":1}');
      expect(await store.meterUnits(unit, cus, tokens, T0, T0 + 60 * MINUTE)).toBe(1 + 2 + 3 + 4 + 5);
      // A whole batch re-sent after a crash stores nothing new.
      expect(await ingest([row('e1', 1), row('e2', 2), row('e3', 3), row('e4', 4), row('e5', 5)])).toEqual({ ingested: 0, duplicates: 5 });
    });

    test('a later row of the same batch with an earlier row’s event_id is a duplicate; the first is stored', async () => {
      await ingest([row('d0', 0)]);
      expect(await ingest([row('d1', 1), row('d0', 2), row('d2', 3), row('d1', 4), row('d0', 5)])).toEqual({ ingested: 2, duplicates: 3 });
      expect(ids(await listAll())).toEqual(['d2', 'd1', 'd0']);
      expect((await store.find(unit, 'd1'))?.timestamp).toBe(T0 + MINUTE);
      await store.mergeStaged(unit);
      expect(await store.meterUnits(unit, cus, tokens, T0, T0 + 60 * MINUTE)).toBe(0 + 1 + 3);
    });

    test('a customer that does not exist rejects the whole batch with NOT_FOUND naming it', async () => {
      const batch = [row('n1', 1), row('n2', 2), row('n3', 3, { customer_id: 'cus_missing' })];
      const error = await ingest(batch).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillingError);
      expect(error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('cus_missing') });
      expect(await listAll()).toEqual([]);
      // Nothing of it was stored, so the good rows are new when sent again.
      expect(await ingest(batch.slice(0, 2))).toEqual({ ingested: 2, duplicates: 0 });
    });

    test('a batch the database refuses halfway stores nothing, and its rows are new when sent again', async () => {
      await ingest([row('before', 0)]);
      const batch = Array.from({ length: 1000 }, (_, i) => row(`m${i}`, 1 + (i % 50)));
      // What no validated batch holds (event_name is NOT NULL): stands in for the database failing at row 500.
      const refused = batch.map((r, i) => (i === 500 ? { ...r, event_name: null as unknown as string } : r));
      await expect(ingest(refused)).rejects.toThrow();
      expect(ids(await listAll())).toEqual(['before']);
      expect(await store.meterUnits(unit, cus, count, T0, T0 + 60 * MINUTE)).toBe(1);
      expect(await store.find(unit, 'm0')).toBeUndefined();
      expect(await ingest(batch)).toEqual({ ingested: 1000, duplicates: 0 });
      expect(await store.meterUnits(unit, cus, count, T0, T0 + 60 * MINUTE)).toBe(1001);
    });

    test('rowsNow is called once, and a batch it fails stores nothing', async () => {
      let calls = 0;
      expect(
        await store.ingest(unit, () => {
          calls += 1;
          return [row('r1', 1)];
        }),
      ).toEqual({ ingested: 1, duplicates: 0 });
      expect(calls).toBe(1);
      await expect(
        store.ingest(unit, () => {
          throw new Error('the clock could not be read');
        }),
      ).rejects.toThrow('the clock could not be read');
      expect(ids(await listAll())).toEqual(['r1']);
    });
  });

  describe('joined to a caller’s transaction', () => {
    test('its rows are read inside it and by everyone once it commits', async () => {
      const other = await subject.connectAgain();
      await subject.transaction(async (trx) => {
        expect(await store.ingest(trx, () => [row('j1', 1), row('j2', 2)])).toEqual({ ingested: 2, duplicates: 0 });
        expect(ids(await store.list(trx, {}, 0, 10))).toEqual(['j2', 'j1']);
        expect(await store.meterUnits(trx, cus, count, T0, T0 + 60 * MINUTE)).toBe(2);
        expect(await store.ingest(trx, () => [row('j2', 2), row('j3', 3)])).toEqual({ ingested: 1, duplicates: 1 });
      });
      expect(ids(await listAll())).toEqual(['j3', 'j2', 'j1']);
      expect(ids(await listAll(other))).toEqual(['j3', 'j2', 'j1']);
      expect(await ingest([row('j1', 1), row('j4', 4)])).toEqual({ ingested: 1, duplicates: 1 });
    });

    test('a rollback leaves no trace: not read, not a duplicate, its customer not a customer', async () => {
      await ingest([row('kept', 0)]);
      await expect(
        subject.transaction(async (trx) => {
          await insertCustomer(trx.db, unit.businessId, 'cus_rolled_back');
          expect(await store.ingest(trx, () => [row('r1', 1), row('r2', 2, { customer_id: 'cus_rolled_back' })])).toEqual({
            ingested: 2,
            duplicates: 0,
          });
          expect(ids(await store.list(trx, {}, 0, 10))).toEqual(['r2', 'r1', 'kept']);
          throw new Error('the caller gives up');
        }),
      ).rejects.toThrow('the caller gives up');
      expect(ids(await listAll())).toEqual(['kept']);
      expect(await store.find(unit, 'r1')).toBeUndefined();
      expect(await store.meterUnits(unit, cus, count, T0, T0 + 60 * MINUTE)).toBe(1);
      await expect(ingest([row('r3', 3, { customer_id: 'cus_rolled_back' })])).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // The next rows stored are read, and r1 is new again.
      expect(await ingest([row('after', 4), row('r1', 1)])).toEqual({ ingested: 2, duplicates: 0 });
      expect(ids(await listAll())).toEqual(['after', 'r1', 'kept']);
      expect(await store.meterUnits(unit, cus, count, T0, T0 + 60 * MINUTE)).toBe(3);
    });

    test('a batch that fails inside it leaves the transaction as it was, to commit without it', async () => {
      await subject.transaction(async (trx) => {
        await store.ingest(trx, () => [row('t1', 1)]);
        const refused = Array.from({ length: 1000 }, (_, i) => row(`tm${i}`, 2, i === 500 ? { event_name: null as unknown as string } : {}));
        await expect(store.ingest(trx, () => refused)).rejects.toThrow();
        await expect(store.ingest(trx, () => [row('t2', 3, { customer_id: 'cus_missing' })])).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await store.ingest(trx, () => [row('t3', 3)]);
      });
      expect(ids(await listAll())).toEqual(['t3', 't1']);
      expect(await store.meterUnits(unit, cus, count, T0, T0 + 60 * MINUTE)).toBe(2);
    });
  });

  describe('reads', () => {
    test('find, list and meter units answer the same before and after a merge, and across both layouts', async () => {
      const other = await subject.newCustomer();
      await ingest([row('a1', 1), row('a2', 2, { event_name: 'image' }), row('b1', 3, { customer_id: other }), row('a3', 4, { metadata: null })]);
      const read = async () => ({
        all: ids(await listAll()),
        mine: ids(await store.list(unit, { customer_id: cus }, 0, 100)),
        calls: ids(await store.list(unit, { customer_id: cus, event_name: 'api.call' }, 0, 100)),
        images: ids(await store.list(unit, { event_name: 'image' }, 0, 100)),
        window: ids(await store.list(unit, { start: T0 + 2 * MINUTE, end: T0 + 4 * MINUTE }, 0, 100)),
        page: ids(await store.list(unit, {}, 1, 2)),
        a2: await store.find(unit, 'a2'),
        count: await store.meterUnits(unit, cus, count, T0, T0 + 60 * MINUTE),
        tokens: await store.meterUnits(unit, cus, tokens, T0, T0 + 60 * MINUTE),
      });
      const before = await read();
      expect(before).toEqual({
        all: ['a3', 'b1', 'a2', 'a1'],
        mine: ['a3', 'a2', 'a1'],
        calls: ['a3', 'a1'],
        images: ['a2'],
        window: ['b1', 'a2'],
        page: ['b1', 'a2'],
        a2: {
          event_id: 'a2',
          business_id: unit.businessId,
          customer_id: cus,
          event_name: 'image',
          timestamp: T0 + 2 * MINUTE,
          metadata: '{"tokens":2}',
        },
        count: 2,
        tokens: 1,
      });
      await store.mergeStaged(unit);
      expect(await store.mergeStaged(unit)).toBe(0);
      expect(await read()).toEqual(before);

      // Some events merged, some not: one listing, one total.
      await ingest([row('a4', 5), row('a0', 0)]);
      expect(ids(await store.list(unit, { customer_id: cus }, 0, 100))).toEqual(['a4', 'a3', 'a2', 'a1', 'a0']);
      expect(await store.meterUnits(unit, cus, tokens, T0, T0 + 60 * MINUTE)).toBe(1 + 5);
      expect(await store.meterUnits(unit, cus, count, T0, T0 + 60 * MINUTE)).toBe(4);
    });

    test('newest first, equal timestamps by event_id descending; pages neither overlap nor skip', async () => {
      await ingest([row('k-b', 1), row('k-a', 1), row('k-c', 1), row('k-d', 2), row('k-e', 0)]);
      await store.mergeStaged(unit);
      await ingest([row('k-bb', 1), row('k-f', 2)]);
      const all = ids(await listAll());
      expect(all).toEqual(['k-f', 'k-d', 'k-c', 'k-bb', 'k-b', 'k-a', 'k-e']);
      const pages: string[] = [];
      for (let offset = 0; offset < all.length; offset += 3) pages.push(...ids(await store.list(unit, {}, offset, 3)));
      expect(pages).toEqual(all);
      expect(await store.list(unit, {}, 7, 3)).toEqual([]);
    });

    test('another business’s unit sees none of the events', async () => {
      await ingest([row('x1', 1)]);
      const stranger: UnitOfWork = { db: unit.db, businessId: 'bus_other' };
      expect(await store.find(stranger, 'x1')).toBeUndefined();
      expect(await store.list(stranger, {}, 0, 10)).toEqual([]);
      expect(await store.find(unit, 'x1')).toMatchObject({ event_id: 'x1' });
    });
  });

  describe('a meter over a billing period [start, end)', () => {
    const start = T0 + 10 * MINUTE;
    const end = T0 + 40 * MINUTE;

    test('an event at exactly the period end belongs to the next period, one at its start to this one', async () => {
      await ingest([row('before-start', 9), row('at-start', 10), row('inside', 25)]);
      await store.mergeStaged(unit);
      await ingest([row('last-ms', 40, { timestamp: end - 1 }), row('at-end', 40), row('next', 41)]);
      const check = async () => {
        expect(await store.meterUnits(unit, cus, count, start, end)).toBe(3);
        expect(await store.meterUnits(unit, cus, tokens, start, end)).toBe(10 + 25 + 40);
        expect(await store.meterUnits(unit, cus, count, end, end + 30 * MINUTE)).toBe(2);
        // Each event in exactly one of two adjacent periods.
        expect(
          (await store.meterUnits(unit, cus, count, T0, start)) +
            (await store.meterUnits(unit, cus, count, start, end)) +
            (await store.meterUnits(unit, cus, count, end, T0 + 60 * MINUTE)),
        ).toBe(6);
        expect(ids(await store.list(unit, { customer_id: cus, start, end }, 0, 10))).toEqual(['last-ms', 'inside', 'at-start']);
      };
      await check();
      await store.mergeStaged(unit);
      await check();
    });

    test('only the customer’s events of the meter’s name that its filter matches', async () => {
      const other = await subject.newCustomer();
      const small: MeterDefinition = { ...tokens, filter: { conjunction: 'and', clauses: [{ key: 'model', operator: 'equals', value: 'small' }] } };
      await ingest([
        row('f1', 11, { metadata: JSON.stringify({ tokens: 5, model: 'small' }) }),
        row('f2', 12, { metadata: JSON.stringify({ tokens: 7, model: 'large' }) }),
        row('f3', 13, { metadata: JSON.stringify({ tokens: 11, model: 'small' }), event_name: 'image' }),
        row('f4', 14, { metadata: JSON.stringify({ tokens: 13, model: 'small' }), customer_id: other }),
      ]);
      await store.mergeStaged(unit);
      await ingest([row('f5', 15, { metadata: JSON.stringify({ tokens: 17, model: 'small' }) })]);
      expect(await store.meterUnits(unit, cus, small, start, end)).toBe(5 + 17);
      expect(await store.meterUnits(unit, other, small, start, end)).toBe(13);
    });

    test('equal timestamps count in the order stored: the last value is the one stored last', async () => {
      const last: MeterDefinition = { event_name: 'api.call', aggregation: { type: 'last', key: 'v' }, filter: null };
      const at = (id: string, v: number) => row(id, 20, { metadata: JSON.stringify({ v }) });
      await ingest([at('t1', 1), at('t2', 2)]);
      expect(await store.meterUnits(unit, cus, last, start, end)).toBe(2);
      await store.mergeStaged(unit);
      await ingest([at('t0', 3)]);
      expect(await store.meterUnits(unit, cus, last, start, end)).toBe(3);
      await store.mergeStaged(unit);
      expect(await store.meterUnits(unit, cus, last, start, end)).toBe(3);
    });

    test('property: any batches, merges and period equal the reference aggregation, to the last bit', async () => {
      const KEYS = ['v', 'model'] as const;
      const value = fc.oneof(
        fc.constantFrom(0.1, 0.2, 0.3, 1e16, -1e16, 3, 1.5),
        fc.integer({ min: -5, max: 5 }),
        fc.constantFrom('small', 'large'),
        fc.boolean(),
      );
      const metadata: fc.Arbitrary<UsageMetadata | null> = fc.option(fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 2 }), { nil: null });
      // `resend`: the event re-sends the id of an event sent before it, in this batch or an earlier one.
      const event = fc.record({
        minute: fc.integer({ min: 0, max: 12 }),
        name: fc.constantFrom('api.call', 'image'),
        metadata,
        resend: fc.option(fc.nat(30), { nil: null }),
      });
      const filter: fc.Arbitrary<MeterFilter | null> = fc.option(
        fc.record({
          conjunction: fc.constantFrom('and' as const, 'or' as const),
          clauses: fc.array(
            fc.record({
              key: fc.constantFrom(...KEYS),
              operator: fc.constantFrom('equals' as const, 'not_equals' as const, 'greater_than' as const),
              value,
            }),
            { minLength: 1, maxLength: 2 },
          ),
        }),
        { nil: null },
      );
      const aggregation: fc.Arbitrary<Aggregation> = fc.oneof(
        fc.constant({ type: 'count' as const, key: null }),
        fc.record({ type: fc.constantFrom('sum' as const, 'max' as const, 'last' as const, 'unique_count' as const), key: fc.constantFrom(...KEYS) }),
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ events: fc.array(event, { minLength: 1, maxLength: 8 }), merge: fc.boolean() }), { minLength: 1, maxLength: 4 }),
          aggregation,
          filter,
          fc.integer({ min: 0, max: 12 }),
          fc.integer({ min: 0, max: 12 }),
          async (batches, agg, meterFilter, a, b) => {
            run += 1;
            const customer = await subject.newCustomer();
            const stored: { timestamp: number; name: string; metadata: UsageMetadata | null }[] = [];
            const storedIds = new Set<string>();
            let n = 0;
            for (const batch of batches) {
              const rows = batch.events.map((e) => {
                const id = e.resend !== null && e.resend < n ? `p${run}-${e.resend}` : `p${run}-${n++}`;
                return {
                  ...row(id, e.minute, { customer_id: customer, event_name: e.name }),
                  metadata: e.metadata === null ? null : JSON.stringify(e.metadata),
                };
              });
              // Of rows sharing an event_id, in this batch or with an earlier one, only the first is stored.
              const outcome = await ingest(rows);
              const fresh = rows.filter((r, i) => !storedIds.has(r.event_id) && rows.findIndex((x) => x.event_id === r.event_id) === i);
              expect(outcome).toEqual({ ingested: fresh.length, duplicates: rows.length - fresh.length });
              for (const r of fresh) {
                storedIds.add(r.event_id);
                stored.push({
                  timestamp: r.timestamp,
                  name: r.event_name,
                  metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as UsageMetadata),
                });
              }
              if (batch.merge) await store.mergeStaged(unit);
            }
            const [from, to] = [T0 + Math.min(a, b) * MINUTE, T0 + Math.max(a, b) * MINUTE];
            const meter: MeterDefinition = { event_name: 'api.call', aggregation: agg, filter: meterFilter };
            // The reference: stored order, stably sorted by timestamp, so equal timestamps keep it.
            const reference = aggregate(
              agg,
              stored
                .filter((e) => e.name === 'api.call' && e.timestamp >= from && e.timestamp < to && matchesFilter(meterFilter, e.metadata))
                .sort((x, y) => x.timestamp - y.timestamp),
            );
            expect(await store.meterUnits(unit, customer, meter, from, to)).toBe(reference);
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  describe('two connections on one database (two server processes)', () => {
    test('each sees the other’s events, merged or not, and dedupes against them', async () => {
      const b = await subject.connectAgain();
      const a = { store, unit };
      expect(await ingest([row('s1', 1), row('s2', 2)], a)).toEqual({ ingested: 2, duplicates: 0 });
      expect(ids(await listAll(b))).toEqual(['s2', 's1']);
      expect(await b.store.meterUnits(b.unit, cus, count, T0, T0 + 60 * MINUTE)).toBe(2);
      expect(await ingest([row('s2', 2), row('s3', 3)], b)).toEqual({ ingested: 1, duplicates: 1 });
      expect(await store.meterUnits(unit, cus, count, T0, T0 + 60 * MINUTE)).toBe(3);
      expect((await store.find(unit, 's3'))?.event_id).toBe('s3');

      // One merges; the other reads the same and still knows every stored id.
      await store.mergeStaged(unit);
      expect(ids(await listAll(b))).toEqual(['s3', 's2', 's1']);
      expect(await ingest([row('s1', 1), row('s3', 3), row('s4', 4)], b)).toEqual({ ingested: 1, duplicates: 2 });
      await b.store.mergeStaged(b.unit);
      expect(await ingest([row('s4', 4), row('s5', 5)], a)).toEqual({ ingested: 1, duplicates: 1 });
      expect(await b.store.meterUnits(b.unit, cus, tokens, T0, T0 + 60 * MINUTE)).toBe(1 + 2 + 3 + 4 + 5);
    });
  });
});

describe('a database no store supports', () => {
  test('SQLite through a handle openDatabase did not make: the engine opens, usage says why it cannot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usage-store-'));
    const opened = openDatabase({ path: join(dir, 'portable.db') });
    try {
      const engine = await createEngine({ db: opened.db.withoutPlugins(), clock: new FrozenClock(T0_ISO), ids: sequentialIds() });
      const customer = await engine.customers.create({ email: 'a@example.com', name: 'A' });
      await expect(engine.usage.ingest([{ event_id: 'e1', customer_id: customer.customer_id, event_name: 'api.call' }])).rejects.toMatchObject({
        code: 'UNSUPPORTED_ACTION',
        message: expect.stringContaining('need the connection openDatabase made'),
      });
    } finally {
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
