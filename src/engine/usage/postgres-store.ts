import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { asSharedWriter } from '../db/lock-mode.js';
import { inSavepoint, inTransaction } from '../db/transaction.js';
import { BillingError, driverErrorCode } from '../errors.js';
import { type AggregatedEvent, aggregate, matchesFilter } from '../rules/meter-matching.js';
import { eventIdHash } from './event-hash.js';
import { parseUsageMetadata, type UsageEventRow } from './rules.js';
import type { IngestOutcome, MeterDefinition, UnitOfWork, UsageEventQuery, UsageEventStore } from './store.js';

// The usage event store on PostgreSQL (issue 17; its contract in store.ts). Events live in usage_events,
// one row each, numbered by an identity column in the order they were stored; a unique index on event_id
// makes ingestion idempotent in the database itself (INSERT … ON CONFLICT DO NOTHING), and an index on
// (customer, event name, timestamp, seq) serves billing's reads in time order. Nothing is staged and nothing
// is cached in the process, so any number of replicas read and write the same events with no copy to keep
// true. SQLite's staging table, hash index and runs (migration 0009) stay empty here.
//
// Batches from any number of calls and replicas are stored side by side: a batch takes the engine's write lock
// shared (db/lock-mode.ts), so it waits for no other batch, while every other write (an advance of the clock,
// a renewal that bills the events, a new customer) still waits for it and it for them. What keeps two batches
// at once right: the unique index on event_id (the second to insert an id waits for the first to commit, then
// skips it), and nothing else a batch writes. Two batches holding some of the same ids in different orders can
// deadlock on them; PostgreSQL ends one, which rolls back whole and is stored again (DEADLOCK_RETRIES).
//
// A batch goes in as one INSERT … SELECT FROM unnest(arrays): seven array parameters whatever the batch's
// size, so one statement, one plan and one round trip store 1,000 events (bench/postgres.mjs measures
// it against a multi-row VALUES insert and against COPY into an unindexed table).

const COLUMNS = 'event_id, business_id, customer_id, event_name, timestamp, metadata';

/** The UsageEventStore on PostgreSQL. Holds nothing: every call reads and writes the database. */
export class PostgresUsageEventStore implements UsageEventStore {
  async ingest(unit: UnitOfWork, rowsNow: () => readonly UsageEventRow[]): Promise<IngestOutcome> {
    const store = async (trx: Db): Promise<IngestOutcome> => {
      const rows = rowsNow();
      await requireCustomers(trx, unit.businessId, rows);
      // A later row of the batch with an event_id an earlier row has is a duplicate: the first is stored.
      const seen = new Set<string>();
      const fresh = rows.filter((r) => !seen.has(r.event_id) && (seen.add(r.event_id), true));
      const ingested = fresh.length === 0 ? 0 : await insertNew(trx, fresh);
      return { ingested, duplicates: rows.length - ingested };
    };
    if (!unit.db.isTransaction) return storeShared(() => inTransaction(unit.db, store));
    // Joined to the caller's transaction, under a savepoint: a batch that fails leaves it as it was.
    const outcome = await inSavepoint(unit.db, () => store(unit.db));
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  mergeStaged(): Promise<number> {
    return Promise.resolve(0);
  }

  async find(unit: UnitOfWork, eventId: string): Promise<UsageEventRow | undefined> {
    const { rows } =
      await sql<UsageEventRow>`SELECT ${sql.raw(COLUMNS)} FROM usage_events WHERE event_id = ${eventId} AND business_id = ${unit.businessId}`.execute(
        unit.db,
      );
    return rows[0];
  }

  async list(unit: UnitOfWork, query: UsageEventQuery, offset: number, limit: number): Promise<UsageEventRow[]> {
    let select = unit.db
      .selectFrom('usage_events')
      .select(['event_id', 'business_id', 'customer_id', 'event_name', 'timestamp', 'metadata'])
      .where('business_id', '=', unit.businessId);
    if (query.customer_id !== undefined) select = select.where('customer_id', '=', query.customer_id);
    if (query.event_name !== undefined) select = select.where('event_name', '=', query.event_name);
    if (query.start !== undefined) select = select.where('timestamp', '>=', query.start);
    if (query.end !== undefined) select = select.where('timestamp', '<', query.end);
    return select.orderBy('timestamp', 'desc').orderBy('event_id', 'desc').limit(limit).offset(offset).execute();
  }

  /**
   * The customer's events of the meter's name in [start, end), in timestamp order with ties in the order
   * they were stored (seq), through the same filter and `aggregate` as the reference: equal to the last bit.
   * A count with no filter is counted by the database.
   */
  async meterUnits(unit: UnitOfWork, customerId: string, meter: MeterDefinition, start: number, end: number): Promise<number> {
    if (meter.aggregation.type === 'count' && meter.filter === null) {
      const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM usage_events
        WHERE customer_id = ${customerId} AND event_name = ${meter.event_name} AND timestamp >= ${start} AND timestamp < ${end}`.execute(unit.db);
      return Number(rows[0]?.n ?? 0);
    }
    const { rows } = await sql<{ timestamp: number; metadata: string | null }>`SELECT timestamp, metadata FROM usage_events
      WHERE customer_id = ${customerId} AND event_name = ${meter.event_name} AND timestamp >= ${start} AND timestamp < ${end}
      ORDER BY timestamp, seq`.execute(unit.db);
    const events: AggregatedEvent[] = [];
    for (const row of rows) {
      const metadata = parseUsageMetadata(row.metadata);
      if (matchesFilter(meter.filter, metadata)) events.push({ timestamp: row.timestamp, metadata });
    }
    return aggregate(meter.aggregation, events);
  }
}

/** How many times a batch that PostgreSQL ended to break a deadlock is stored again before DATABASE_BUSY. */
const DEADLOCK_RETRIES = 3;

/**
 * Runs `attempt` (one whole transaction) with the write lock shared; again when PostgreSQL ended it to break
 * a deadlock with another batch (SQLSTATE 40P01), which rolled it back whole, so the next attempt starts clean.
 */
async function storeShared<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await asSharedWriter(attempt);
    } catch (error) {
      if (driverErrorCode(error) !== '40P01') throw error;
      if (tries > DEADLOCK_RETRIES)
        throw new BillingError(
          'DATABASE_BUSY',
          `batches sent at the same time with some of the same event_ids kept deadlocking (${tries} tries); nothing in this batch was stored`,
          'send the batch again: events stored meanwhile are skipped as duplicates',
        );
    }
  }
}

/** NOT_FOUND naming the batch's customer ids that are not customers of the business; nothing is stored then. */
async function requireCustomers(db: Db, businessId: string, rows: readonly UsageEventRow[]): Promise<void> {
  const ids = [...new Set(rows.map((r) => r.customer_id))];
  if (ids.length === 0) return;
  // The batch's ids as a relation, anti-joined to customers: a hash join whatever the two sizes are. The
  // form `customer_id = ANY(ids)` was planned as a scan of every customer testing each against the whole
  // array, 1,000 × 1,000 comparisons per batch: 9 of a batch's 34 ms (bench/postgres.mjs, 1,000 customers).
  const { rows: absent } = await sql<{ customer_id: string }>`SELECT batch.customer_id FROM unnest(${ids}::text[]) AS batch(customer_id)
    WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = batch.customer_id AND c.business_id = ${businessId})`.execute(db);
  if (absent.length === 0) return;
  const absentIds = new Set(absent.map((r) => r.customer_id));
  const missing = ids.filter((id) => absentIds.has(id));
  throw new BillingError(
    'NOT_FOUND',
    `no customer ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}; nothing in the batch was stored`,
    'create_customer first, or list_customers for the existing ids',
  );
}

/**
 * Inserts the rows, in order, skipping any whose event_id is stored already (by any batch, any process: the
 * unique index decides, so two replicas ingesting one event at once store it once). Returns how many it stored.
 */
async function insertNew(db: Db, rows: readonly UsageEventRow[]): Promise<number> {
  const result = await sql`INSERT INTO usage_events (id_hash, ${sql.raw(COLUMNS)})
    SELECT h, e, b, c, n, t, m FROM unnest(
      ${rows.map((r) => eventIdHash(r.event_id))}::bigint[], ${rows.map((r) => r.event_id)}::text[], ${rows.map((r) => r.business_id)}::text[],
      ${rows.map((r) => r.customer_id)}::text[], ${rows.map((r) => r.event_name)}::text[], ${rows.map((r) => r.timestamp)}::bigint[],
      ${rows.map((r) => r.metadata)}::text[]
    ) WITH ORDINALITY AS batch(h, e, b, c, n, t, m, position)
    ORDER BY position
    ON CONFLICT (event_id) DO NOTHING`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
