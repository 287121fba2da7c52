// Rule under test: usage event storage (issue 5, migration 0009) keeps SPEC §2.7's guarantees whichever
// table an event sits in — staged (just ingested) or merged in bulk: an event_id stored earlier is a
// duplicate whether it was staged or merged; meter totals, listings and get_usage_event read the same
// before and after a merge; equal id hashes are only candidates (event_id decides); a second connection
// on the same file (another server process) sees the first one's events and merges; events stored by the
// 0008 layout are moved into the new one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Migrator } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FrozenClock } from '../../../src/engine/clock.js';
import { openDatabase } from '../../../src/engine/db/database.js';
import { migrationProvider } from '../../../src/engine/db/migrations/index.js';
import { sequentialIds } from '../../../src/engine/ids.js';
import { createEngine, type Engine } from '../../../src/engine/index.js';
import type { Meter } from '../../../src/engine/meters/types.js';
import { eventIdHash } from '../../../src/engine/usage/event-hash.js';
import type { UsageEventInput } from '../../../src/engine/usage/types.js';

const NOW = '2025-04-01T12:00:00.000Z';
const DAY_START = '2025-04-01T00:00:00.000Z';
const DAY_END = '2025-04-02T00:00:00.000Z';

let dir: string;
const engines: Engine[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'usage-storage-'));
});
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  rmSync(dir, { recursive: true, force: true });
});

async function engineOn(path: string, mergeThreshold: number, clock = new FrozenClock(NOW)): Promise<Engine> {
  const engine = await createEngine({ db: openDatabase({ path }).db, clock, ids: sequentialIds(), usageMergeThreshold: mergeThreshold });
  engines.push(engine);
  return engine;
}

async function countRows(engine: Engine, table: 'usage_events' | 'usage_events_staged' | 'usage_event_runs'): Promise<number> {
  return Number(
    (
      await engine.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

const minute = (m: number) => new Date(Date.parse(NOW) - 50 * 60_000 + m * 60_000).toISOString();

describe('staged and merged events behave as one store', () => {
  let engine: Engine;
  let cus: string;
  let tokens: Meter;
  const event = (id: string, m: number, extra: Partial<UsageEventInput> = {}): UsageEventInput => ({
    event_id: id,
    customer_id: cus,
    event_name: 'api.call',
    timestamp: minute(m),
    metadata: { tokens: m, model: m % 2 ? 'small' : 'large' },
    ...extra,
  });

  beforeEach(async () => {
    // Merges once 4 events are staged, so a few batches cross several merges.
    engine = await engineOn(join(dir, 'one.db'), 4);
    cus = (await engine.customers.create({ email: 'a@example.com', name: 'A' })).customer_id;
    tokens = await engine.meters.create({
      name: 'Small tokens',
      event_name: 'api.call',
      measurement_unit: 'tokens',
      aggregation: { type: 'sum', key: 'tokens' },
      filter: { conjunction: 'and', clauses: [{ key: 'model', operator: 'equals', value: 'small' }] },
    });
  });

  test('a batch reaching the threshold is merged; re-sending it after the merge ingests nothing', async () => {
    const batch = [1, 2, 3, 4, 5].map((m) => event(`e${m}`, m));
    expect(await engine.usage.ingest(batch)).toEqual({ ingested_count: 5, duplicate_count: 0 });
    expect(await countRows(engine, 'usage_events')).toBe(5);
    expect(await countRows(engine, 'usage_events_staged')).toBe(0);
    // One customer, one event name: one run for the whole merge.
    expect(await countRows(engine, 'usage_event_runs')).toBe(1);
    expect(await engine.usage.ingest(batch)).toEqual({ ingested_count: 0, duplicate_count: 5 });
    expect(await engine.usage.ingest([event('e1', 1), event('e6', 6)])).toEqual({ ingested_count: 1, duplicate_count: 1 });
    expect(await countRows(engine, 'usage_events_staged')).toBe(1);
  });

  test('meter totals, listings and get_usage_event read the same before and after a merge', async () => {
    await engine.usage.ingest([1, 2, 3].map((m) => event(`e${m}`, m)));
    expect(await countRows(engine, 'usage_events_staged')).toBe(3);
    const read = async () => ({
      // small = odd minutes: 1 + 3 (+ 5 + 7 later)
      total: await engine.usage.meterTotal(cus, tokens.meter_id, DAY_START, DAY_END),
      ids: (await engine.usage.listEvents({ customer_id: cus })).items.map((e) => e.event_id),
      metered: (await engine.usage.listEvents({ meter_id: tokens.meter_id })).items.map((e) => e.event_id),
      e2: await engine.usage.getEvent('e2'),
    });
    const staged = await read();
    expect(staged.total).toBe(4);
    expect(staged.ids).toEqual(['e3', 'e2', 'e1']);
    expect(staged.metered).toEqual(['e3', 'e1']);
    expect(await engine.usage.mergeStaged()).toBe(3);
    expect(await countRows(engine, 'usage_events_staged')).toBe(0);
    expect(await read()).toEqual(staged);

    // Half merged, half staged: one newest-first listing, totals over both.
    await engine.usage.ingest([event('e5', 5), event('e4', 4)]);
    await engine.usage.ingest([event('e7', 7)]);
    expect(await countRows(engine, 'usage_events')).toBe(3);
    expect(await countRows(engine, 'usage_events_staged')).toBe(3);
    expect(await engine.usage.meterTotal(cus, tokens.meter_id, DAY_START, DAY_END)).toBe(1 + 3 + 5 + 7);
    expect((await engine.usage.listEvents({ customer_id: cus })).items.map((e) => e.event_id)).toEqual(['e7', 'e5', 'e4', 'e3', 'e2', 'e1']);
    expect((await engine.usage.listEvents({ customer_id: cus }, { page_number: 1, page_size: 2 })).items.map((e) => e.event_id)).toEqual([
      'e4',
      'e3',
    ]);
    expect((await engine.usage.getEvent('e7')).metadata).toEqual({ tokens: 7, model: 'small' });
  });

  test('equal id hashes are only candidates: a different event_id with the same hash is stored', async () => {
    // A merged row whose hash is e1's but whose id is not: what a 52-bit hash collision would look like.
    const collider = await engine.ctx.db
      .insertInto('usage_events')
      .values({
        id_hash: eventIdHash('e1'),
        event_id: 'collider',
        business_id: engine.ctx.businessId,
        customer_id: cus,
        event_name: 'other',
        timestamp: Date.parse(NOW),
        metadata: null,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await engine.ctx.db
      .insertInto('usage_event_ids')
      .values({ id_hash: eventIdHash('e1'), seq: collider.seq })
      .execute();
    expect(await engine.usage.ingest([event('e1', 1)])).toEqual({ ingested_count: 1, duplicate_count: 0 });
    await engine.usage.mergeStaged();
    expect((await engine.usage.getEvent('e1')).event_id).toBe('e1');
    expect(await engine.usage.ingest([event('e1', 1)])).toEqual({ ingested_count: 0, duplicate_count: 1 });
  });

  test('property: any interleaving of batches, re-sends and merges stores each event_id once and totals match', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ ids: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 6 }), merge: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (steps) => {
          const run = `r${Math.random().toString(36).slice(2)}`;
          const customer = (await engine.customers.create({ email: `${run}@example.com`, name: run })).customer_id;
          const seen = new Set<number>();
          for (const step of steps) {
            const fresh = step.ids.filter((n) => !seen.has(n)).length;
            const result = await engine.usage.ingest(step.ids.map((n) => event(`${run}-${n}`, n, { customer_id: customer })));
            expect(result).toEqual({ ingested_count: fresh, duplicate_count: step.ids.length - fresh });
            for (const n of step.ids) seen.add(n);
            if (step.merge) await engine.usage.mergeStaged();
          }
          const expected = [...seen].filter((n) => n % 2 === 1).reduce((s, n) => s + n, 0);
          expect(await engine.usage.meterTotal(customer, tokens.meter_id, DAY_START, DAY_END)).toBe(expected);
          const listed = (await engine.usage.listEvents({ customer_id: customer }, { page_size: 100 })).items.map((e) => e.event_id);
          expect(listed).toEqual([...seen].sort((a, b) => b - a).map((n) => `${run}-${n}`));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('runs: each customer’s share of a merge is one contiguous range of rows', () => {
  // Event names whose UTF-16 and UTF-8 (SQLite BINARY) orders differ: '\uFF61' sorts after '😀' in a JS
  // comparison and before it in SQLite. The merge orders rows in SQLite and the runs must match it.
  const NAMES = ['api.call', 'é', '😀', '\uFF61', 'Z', 'a b'];

  test('property: after any batches and merges, the runs partition usage_events and each matches its rows', async () => {
    const engine = await engineOn(join(dir, 'runs.db'), 1_000_000);
    const customers: string[] = [];
    for (let i = 0; i < 4; i++) customers.push((await engine.customers.create({ email: `r${i}@example.com`, name: `R${i}` })).customer_id);
    let next = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.record({ customer: fc.nat(3), name: fc.nat(NAMES.length - 1), minute: fc.nat(55) }), { minLength: 1, maxLength: 30 }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (batches) => {
          for (const batch of batches) {
            await engine.usage.ingest(
              batch.map((e) => ({
                event_id: `run-${next++}`,
                customer_id: customers[e.customer] as string,
                event_name: NAMES[e.name] as string,
                timestamp: minute(e.minute),
              })),
            );
          }
          await engine.usage.mergeStaged();
          const rows = await engine.ctx.db
            .selectFrom('usage_events')
            .select(['seq', 'customer_id', 'event_name', 'timestamp'])
            .orderBy('seq')
            .execute();
          const runs = await engine.ctx.db.selectFrom('usage_event_runs').selectAll().orderBy('first_seq').execute();
          let expectedFirst = rows[0]?.seq ?? 1;
          for (const run of runs) {
            expect(run.first_seq).toBe(expectedFirst);
            const inRun = rows.filter((r) => r.seq >= run.first_seq && r.seq <= run.last_seq);
            expect(inRun).toHaveLength(run.last_seq - run.first_seq + 1);
            expect(new Set(inRun.map((r) => `${r.customer_id}/${r.event_name}`))).toEqual(new Set([`${run.customer_id}/${run.event_name}`]));
            expect([run.min_ts, run.max_ts]).toEqual([Math.min(...inRun.map((r) => r.timestamp)), Math.max(...inRun.map((r) => r.timestamp))]);
            expectedFirst = run.last_seq + 1;
          }
          expect(expectedFirst - 1).toBe(rows.at(-1)?.seq ?? 0);
        },
      ),
      { numRuns: 20 },
    );
    // And reads through the runs find every event: each customer's listing holds exactly its events.
    for (const customer of customers) {
      const listed = (await engine.usage.listEvents({ customer_id: customer }, { page_size: 100 })).items;
      const stored = await engine.ctx.db.selectFrom('usage_events').select('event_id').where('customer_id', '=', customer).execute();
      expect(listed.length).toBe(Math.min(100, stored.length));
    }
  });
});

describe('a staging table the staged copy does not match', () => {
  test('a row written behind the copy’s back (same event_id twice): the merge reads runs and hashes back from the table', async () => {
    const engine = await engineOn(join(dir, 'inexact.db'), 1000);
    const cus = (await engine.customers.create({ email: 'x@example.com', name: 'X' })).customer_id;
    const ev = (id: string): UsageEventInput => ({ event_id: id, customer_id: cus, event_name: 'api.call', timestamp: minute(5) });
    expect(await engine.usage.ingest([ev('z1'), ev('z2')])).toEqual({ ingested_count: 2, duplicate_count: 0 });
    // What no ingestion writes: z1 staged a second time. The copy keeps one z1, the table holds three rows.
    await engine.ctx.db
      .insertInto('usage_events_staged')
      .values({
        id_hash: eventIdHash('z1'),
        event_id: 'z1',
        business_id: engine.ctx.businessId,
        customer_id: cus,
        event_name: 'api.call',
        timestamp: Date.parse(minute(6)),
        metadata: null,
      })
      .execute();
    expect(await engine.usage.mergeStaged()).toBe(3);
    const runs = await engine.ctx.db.selectFrom('usage_event_runs').selectAll().execute();
    expect(runs.map((r) => [r.customer_id, r.last_seq - r.first_seq + 1, r.min_ts, r.max_ts])).toEqual([
      [cus, 3, Date.parse(minute(5)), Date.parse(minute(6))],
    ]);
    expect(await engine.usage.ingest([ev('z1'), ev('z2'), ev('z3')])).toEqual({ ingested_count: 1, duplicate_count: 2 });
  });
});

describe('a second connection on the same file (another server process)', () => {
  test('sees the other one’s staged events and merges, and dedupes against both', async () => {
    const path = join(dir, 'shared.db');
    const a = await engineOn(path, 1000);
    const cus = (await a.customers.create({ email: 'a@example.com', name: 'A' })).customer_id;
    const b = await engineOn(path, 1000);
    const calls = await a.meters.create({ name: 'Calls', event_name: 'api.call', measurement_unit: 'calls', aggregation: { type: 'count' } });
    const ev = (id: string): UsageEventInput => ({ event_id: id, customer_id: cus, event_name: 'api.call' });
    const total = (e: Engine) => e.usage.meterTotal(cus, calls.meter_id, DAY_START, DAY_END);

    expect(await a.usage.ingest([ev('x1'), ev('x2'), ev('x3')])).toEqual({ ingested_count: 3, duplicate_count: 0 });
    expect(await total(b)).toBe(3);
    expect(await b.usage.ingest([ev('x3'), ev('x4')])).toEqual({ ingested_count: 1, duplicate_count: 1 });
    expect(await total(a)).toBe(4);
    expect(await a.usage.mergeStaged()).toBe(4);
    expect(await total(b)).toBe(4);
    expect(await b.usage.ingest([ev('x1'), ev('x5')])).toEqual({ ingested_count: 1, duplicate_count: 1 });
    expect(await total(a)).toBe(5);
    expect((await a.usage.getEvent('x5')).event_id).toBe('x5');
  });

  test('an event the other one merged is a duplicate here, though this one learnt of it only from the merge', async () => {
    const path = join(dir, 'merged-elsewhere.db');
    const a = await engineOn(path, 1000);
    const cus = (await a.customers.create({ email: 'a@example.com', name: 'A' })).customer_id;
    const b = await engineOn(path, 1000);
    const ev = (id: string): UsageEventInput => ({ event_id: id, customer_id: cus, event_name: 'api.call' });
    // b has ingested (so holds its filter of merged ids) before a stores and merges y1..y3.
    expect(await b.usage.ingest([ev('y0')])).toEqual({ ingested_count: 1, duplicate_count: 0 });
    await a.usage.ingest([ev('y1'), ev('y2'), ev('y3')]);
    expect(await a.usage.mergeStaged()).toBe(4);
    expect(await b.usage.ingest([ev('y1'), ev('y2'), ev('y3'), ev('y0'), ev('y4')])).toEqual({ ingested_count: 1, duplicate_count: 4 });
    // And a, whose own merge put y0..y3 in its filter, sees b's y4 once b merges.
    expect(await b.usage.mergeStaged()).toBe(1);
    expect(await a.usage.ingest([ev('y4'), ev('y0'), ev('y5')])).toEqual({ ingested_count: 1, duplicate_count: 2 });
  });
});

describe('migration 0009 moves events stored by the 0008 layout', () => {
  test('old events are readable, counted and still duplicates', async () => {
    const path = join(dir, 'old.db');
    const opened = openDatabase({ path });
    const migrated = await new Migrator({ db: opened.db, provider: migrationProvider }).migrateTo('0008-webhooks');
    expect(migrated.error).toBeUndefined();
    const at = Date.parse(NOW) - 60_000;
    const old = [
      ['o1', 'cus_0001', 'api.call', at, '{"tokens":5}'],
      ['o2', 'cus_0001', 'api.call', at + 1, null],
      ['o3', 'cus_0002', 'image.generated', at, null],
    ] as const;
    const insert = opened.sqlite.prepare(
      'INSERT INTO usage_events (event_id, business_id, customer_id, event_name, timestamp, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const [id, customer, name, timestamp, metadata] of old) insert.run(id, 'bus_0001', customer, name, timestamp, metadata);
    await opened.close();

    const engine = await engineOn(path, 1000);
    expect(engine.ctx.businessId).toBe('bus_0001');
    expect(await countRows(engine, 'usage_events')).toBe(3);
    expect(await countRows(engine, 'usage_event_runs')).toBe(2);
    expect((await engine.usage.getEvent('o1')).metadata).toEqual({ tokens: 5 });
    const cus = (await engine.customers.create({ email: 'a@example.com', name: 'A' })).customer_id;
    expect(cus).toBe('cus_0001');
    const calls = await engine.meters.create({ name: 'Calls', event_name: 'api.call', measurement_unit: 'calls', aggregation: { type: 'count' } });
    expect(await engine.usage.meterTotal(cus, calls.meter_id, DAY_START, DAY_END)).toBe(2);
    expect(await engine.usage.ingest([{ event_id: 'o2', customer_id: cus, event_name: 'api.call' }])).toEqual({
      ingested_count: 0,
      duplicate_count: 1,
    });
  });
});
