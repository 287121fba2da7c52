import type SQLite from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { rawSqliteOf } from '../db/database.js';
import { inRawWriteTransaction, writeLockStateOf } from '../db/write-lock.js';
import { BillingError } from '../errors.js';
import { type AggregatedEvent, aggregate, matchesFilter } from '../rules/meter-matching.js';
import type { UsageMetadata } from '../meters/types.js';
import { filterSql, jsonPath } from './filter-sql.js';
import { parseUsageMetadata, type UsageEventRow } from './rules.js';
import { metadataOf, type StagedEvent, StagedEvents } from './staged-events.js';
import { eventIdHash } from './event-hash.js';
import { MergedIdFilter } from './merged-id-filter.js';
import type { IngestOutcome, MeterDefinition, UnitOfWork, UsageEventQuery, UsageEventStore } from './store.js';

// The usage event store on SQLite (issue 5; layout in migration 0009; its contract in store.ts).
// Ingestion appends to usage_events_staged, which has no index; duplicates are found in this process's
// copy of the staged events and in the merged events' hash index. When enough events are staged they are
// merged in one transaction, sorted by (customer, event name, timestamp), and each customer's share of the
// merge is recorded as one run. Every read combines the merged rows with the staged copy, inside one read
// transaction, so a merge by another process is never seen half-done.
//
// The statements run synchronously on the raw connection while Kysely's connection is held (through
// `db.connection()` or the caller's transaction), so no other request can interleave. This layout is
// SQLite's: open-store.ts gives a database without a raw connection a store that refuses every call.

/**
 * Staged events merged once this many are waiting: ~27 MB of memory at most in the staged copy (~270 bytes
 * an event). Each merge rewrites the idempotency index, so fewer, larger merges cost less per event: on the
 * 1M-event database 50,000 → 100,000 took sustained ingestion from 72-73k to 75-79k events/s.
 */
export const DEFAULT_MERGE_THRESHOLD = 100_000;

const STAGED_COLUMNS = 'seq, id_hash, event_id, business_id, customer_id, event_name, timestamp, metadata';

interface Statements {
  generation: SQLite.Statement<[], number>;
  stagedAfter: SQLite.Statement<[number], StagedEvent>;
  knownCustomers: SQLite.Statement<[string, string], string>;
  mergedWithHashes: SQLite.Statement<[string], { event_id: string }>;
  lastIdsRow: SQLite.Statement<[], number | null>;
  idHashesInRows: SQLite.Statement<[number, number], string>;
  mergedHashesAfter: SQLite.Statement<[number], string>;
  stage: SQLite.Statement<[number, string, string, string, string, number, string | null]>;
  maxMergedSeq: SQLite.Statement<[], number | null>;
  mergeStaged: SQLite.Statement<[]>;
  recordIds: SQLite.Statement<[number]>;
  recordRuns: SQLite.Statement<[number]>;
  recordRunsOf: SQLite.Statement<[number, number, string]>;
  clearStaged: SQLite.Statement<[]>;
  nextGeneration: SQLite.Statement<[]>;
  mergedOfCustomer: SQLite.Statement<[string, string, number, number, number, number], { seq: number; timestamp: number; metadata: string | null }>;
  mergedById: SQLite.Statement<[number], UsageEventRow>;
}

/**
 * One customer's merged events of one name in [start, end): the runs that overlap the period, then their
 * rows by seq. CROSS JOIN and NOT INDEXED hold SQLite to that plan; left to itself it may walk the time
 * index over every customer's events of the month instead (1.2 s instead of 0.2 ms on 1,000,000 events).
 * Parameters: customer, event name, start, end, start, end.
 */
const RUNS_OVERLAPPING = `FROM usage_event_runs r CROSS JOIN usage_events e NOT INDEXED ON e.seq BETWEEN r.first_seq AND r.last_seq
    WHERE r.customer_id = ? AND r.event_name = ? AND r.max_ts >= ? AND r.min_ts < ? AND e.timestamp >= ? AND e.timestamp < ?`;

function prepare(raw: SQLite.Database): Statements {
  const runsOverlapping = RUNS_OVERLAPPING;
  return {
    generation: raw.prepare<[], number>('SELECT generation FROM usage_staging_state WHERE id = 1').pluck(),
    stagedAfter: raw.prepare<[number], StagedEvent>(`SELECT ${STAGED_COLUMNS} FROM usage_events_staged WHERE seq > ? ORDER BY seq`),
    knownCustomers: raw
      .prepare<[string, string], string>(
        'SELECT customer_id FROM customers WHERE business_id = ? AND customer_id IN (SELECT value FROM json_each(?))',
      )
      .pluck(),
    mergedWithHashes: raw.prepare<[string], { event_id: string }>(
      'SELECT e.event_id FROM usage_event_ids i CROSS JOIN usage_events e ON e.seq = i.seq WHERE i.id_hash IN (SELECT value FROM json_each(?))',
    ),
    // Hashes come back as one JSON array per chunk: parsing 100,000 numbers from one string is ~3x faster
    // than stepping through 100,000 rows (the 1M-event database's filter: ~350 ms instead of ~1 s).
    lastIdsRow: raw.prepare<[], number | null>('SELECT max(rowid) FROM usage_event_ids').pluck(),
    idHashesInRows: raw
      .prepare<[number, number], string>('SELECT json_group_array(id_hash) FROM usage_event_ids WHERE rowid > ? AND rowid <= ?')
      .pluck(),
    mergedHashesAfter: raw.prepare<[number], string>('SELECT json_group_array(id_hash) FROM usage_events WHERE seq > ?').pluck(),
    stage: raw.prepare(
      'INSERT INTO usage_events_staged (id_hash, event_id, business_id, customer_id, event_name, timestamp, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    maxMergedSeq: raw.prepare<[], number | null>('SELECT max(seq) FROM usage_events').pluck(),
    mergeStaged: raw.prepare(`INSERT INTO usage_events (id_hash, event_id, business_id, customer_id, event_name, timestamp, metadata)
      SELECT id_hash, event_id, business_id, customer_id, event_name, timestamp, metadata FROM usage_events_staged
      ORDER BY customer_id, event_name, timestamp, seq`),
    recordIds: raw.prepare('INSERT INTO usage_event_ids (id_hash, seq) SELECT id_hash, seq FROM usage_events WHERE seq > ? ORDER BY id_hash'),
    recordRuns: raw.prepare(`INSERT INTO usage_event_runs (customer_id, event_name, first_seq, last_seq, min_ts, max_ts)
      SELECT customer_id, event_name, min(seq), max(seq), min(timestamp), max(timestamp) FROM usage_events WHERE seq > ?
      GROUP BY customer_id, event_name`),
    // The same runs from the staged copy's per-(customer, event name) counts and time bounds, as JSON
    // [[customer, name, count, min_ts, max_ts], …]: ordered here as the merge ordered the rows, each
    // run ends at `before` + the running count (1,000 customers, 2 names → 2,000 rows to sort, not 100,000).
    recordRunsOf: raw.prepare(`INSERT INTO usage_event_runs (customer_id, event_name, first_seq, last_seq, min_ts, max_ts)
      SELECT customer_id, event_name, ? + running - n + 1, ? + running, min_ts, max_ts FROM (
        SELECT value ->> 0 AS customer_id, value ->> 1 AS event_name, value ->> 2 AS n, value ->> 3 AS min_ts, value ->> 4 AS max_ts,
          sum(value ->> 2) OVER (ORDER BY value ->> 0, value ->> 1 ROWS UNBOUNDED PRECEDING) AS running
        FROM json_each(?))`),
    clearStaged: raw.prepare('DELETE FROM usage_events_staged'),
    nextGeneration: raw.prepare('UPDATE usage_staging_state SET generation = generation + 1 WHERE id = 1'),
    mergedOfCustomer: raw.prepare(`SELECT e.seq, e.timestamp, e.metadata ${runsOverlapping} ORDER BY e.timestamp, e.seq`),
    mergedById: raw.prepare<[number], UsageEventRow>(
      'SELECT e.event_id, e.business_id, e.customer_id, e.event_name, e.timestamp, e.metadata FROM usage_event_ids i CROSS JOIN usage_events e ON e.seq = i.seq WHERE i.id_hash = ?',
    ),
  };
}

/** One per raw connection: its statements and its copy of the staged events. */
class ConnectionState {
  readonly staged = new StagedEvents();
  readonly sql: Statements;
  /**
   * Customers of this business already seen to exist. Customers are never deleted, so a customer found
   * once exists for good; a batch then checks only ids it has not seen (at most 100,000 remembered).
   */
  private readonly knownCustomers = new Set<string>();
  /** The listing's statements, one per combination of filters (at most 4). */
  private readonly listings = new Map<string, SQLite.Statement<(string | number)[], UsageEventRow>>();
  /** Meter totals' statements, one per meter filter and aggregation. */
  private readonly raws = new Map<string, SQLite.Statement<(string | number)[], unknown[]>>();
  /**
   * The write transaction (write-lock.ts's count) in which a caller's transaction staged rows through this
   * connection, or 0. Until it ends, syncs in it add its own rows to the copy (it reads what it wrote); once
   * it has ended, committed or rolled back, the copy reloads, so a rolled-back row never stays in it (its
   * seq would be reused by the next row staged, which the copy would then skip).
   */
  private stagingTransaction = 0;
  /** Built on the first ingestion; covers usage_events up to filterThroughSeq. */
  private filter: MergedIdFilter | undefined;
  private filterThroughSeq = 0;

  constructor(readonly raw: SQLite.Database) {
    this.sql = prepare(raw);
  }

  listing(sqlText: string): SQLite.Statement<(string | number)[], UsageEventRow> {
    let statement = this.listings.get(sqlText);
    if (!statement) {
      statement = this.raw.prepare<(string | number)[], UsageEventRow>(sqlText);
      this.listings.set(sqlText, statement);
    }
    return statement;
  }

  /** A statement whose rows come back as arrays, cached by its text (one per meter shape). */
  rawStatement(sqlText: string): SQLite.Statement<(string | number)[], unknown[]> {
    let statement = this.raws.get(sqlText);
    if (!statement) {
      statement = this.raw.prepare<(string | number)[], unknown[]>(sqlText).raw(true);
      this.raws.set(sqlText, statement);
    }
    return statement;
  }

  knowsCustomer(businessId: string, customerId: string): boolean {
    return this.knownCustomers.has(`${businessId}\u0000${customerId}`);
  }

  rememberCustomer(businessId: string, customerId: string): void {
    if (this.knownCustomers.size >= 100_000) this.knownCustomers.clear();
    this.knownCustomers.add(`${businessId}\u0000${customerId}`);
  }

  /**
   * The filter of merged id hashes, brought up to the database (call after `sync`, in a transaction):
   * built on first use from usage_event_ids (1,000,000 hashes: a one-off ~0.2-0.5 s), then given the
   * events of every merge since, whichever process made it; rebuilt twice the size once full.
   */
  mergedIds(): MergedIdFilter {
    const mergedThrough = this.sql.maxMergedSeq.get() ?? 0;
    if (!this.filter || this.filter.full) {
      const filter = new MergedIdFilter(mergedThrough);
      const lastRow = this.sql.lastIdsRow.get() ?? 0;
      for (let after = 0; after < lastRow; after += HASH_CHUNK_ROWS) addAll(filter, this.sql.idHashesInRows.get(after, after + HASH_CHUNK_ROWS));
      this.filter = filter;
    } else if (this.filterThroughSeq < mergedThrough) {
      addAll(this.filter, this.sql.mergedHashesAfter.get(this.filterThroughSeq));
    }
    this.filterThroughSeq = mergedThrough;
    return this.filter;
  }

  /**
   * In a merge's transaction, once every staged row moved to usage_events (seq `before` + 1 on): adds
   * their hashes from the staged copy, so the filter need not read them back; returns whether it did
   * (only a filter that was current before the merge). Hashes added for a merge that then rolls back
   * only cost false positives.
   */
  addMergedFromStaged(before: number): boolean {
    if (!this.filter || this.filterThroughSeq !== before) return false;
    for (const event of this.staged.all()) this.filter.add(event.id_hash);
    return true;
  }

  /** Rows were just staged in the caller's transaction, open on this connection. */
  stagedInOpenTransaction(): void {
    this.stagingTransaction = writeLockStateOf(this.raw).holding;
  }

  /** After a committed merge whose hashes addMergedFromStaged added: the filter covers up to `through`. */
  filterCoversThrough(through: number): void {
    this.filterThroughSeq = through;
  }

  /**
   * Brings the staged copy up to the database: new staged rows, or all of them after a merge, or after the
   * caller's transaction that staged rows through this connection has ended (see stagedInOpenTransaction).
   */
  sync(): void {
    if (this.stagingTransaction !== 0 && writeLockStateOf(this.raw).holding !== this.stagingTransaction) {
      this.stagingTransaction = 0;
      this.staged.markStale();
    }
    const generation = this.sql.generation.get() ?? 0;
    if (generation !== this.staged.generation) this.staged.reset(generation);
    this.staged.add(this.sql.stagedAfter.all(this.staged.lastSeq));
  }
}

const HASH_CHUNK_ROWS = 100_000;

/** Adds a JSON array of id hashes (52-bit integers, exact as JSON numbers) to the filter. */
function addAll(filter: MergedIdFilter, hashesJson: string | undefined): void {
  for (const hash of JSON.parse(hashesJson ?? '[]') as number[]) filter.add(hash);
}

// Several processes: each connection's ConnectionState copies the staged events, and sync() brings the copy
// up to the table at the start of every read snapshot and write transaction (a generation counter that every
// merge bumps, then the rows after the last staged seq it holds; everything again once a caller's
// transaction that staged rows has ended); known customers stay true because customers are never deleted
// and only committed batches teach them; the merged-id filter catches up from usage_events after any
// process's merge and can only err towards an index lookup. Kept by connection, not by store object: every
// SqliteUsageEventStore over one connection (the engine's, billing's) shares it.
const connections = new WeakMap<SQLite.Database, ConnectionState>();

function stateOf(db: Db): ConnectionState {
  const raw = rawSqliteOf(db);
  if (!raw) {
    throw new BillingError('UNSUPPORTED_ACTION', 'usage events on SQLite need the connection openDatabase made', 'open the engine with openDatabase');
  }
  let state = connections.get(raw);
  if (!state) {
    state = new ConnectionState(raw);
    connections.set(raw, state);
  }
  return state;
}

/**
 * Runs `read` synchronously in one read snapshot with Kysely's connection held: inside the caller's
 * transaction when there is one (its connection is already held), else in a deferred transaction of
 * its own, so the staged copy and the merged rows are read at the same instant.
 */
async function inSnapshot<T>(db: Db, read: (store: ConnectionState) => T): Promise<T> {
  const store = stateOf(db);
  const run = (): T => {
    store.sync();
    return read(store);
  };
  if (db.isTransaction) return run();
  return db.connection().execute(async () => store.raw.transaction(run).deferred());
}

export interface SqliteUsageEventStoreOptions {
  /** Staged events merged in bulk once this many wait (default DEFAULT_MERGE_THRESHOLD). */
  mergeThreshold?: number | undefined;
}

/**
 * The UsageEventStore on a SQLite database openDatabase made: staged appends, bulk merges into runs, and a
 * per-connection copy of the staged events (above). Holds only its options; any number of them over one
 * connection share that connection's state.
 */
export class SqliteUsageEventStore implements UsageEventStore {
  private readonly mergeThreshold: number;

  constructor(options: SqliteUsageEventStoreOptions = {}) {
    this.mergeThreshold = options.mergeThreshold ?? DEFAULT_MERGE_THRESHOLD;
  }

  ingest(unit: UnitOfWork, rowsNow: () => readonly UsageEventRow[]): Promise<IngestOutcome> {
    return ingestUsageEvents(unit.db, unit.businessId, rowsNow, this.mergeThreshold);
  }

  mergeStaged(unit: UnitOfWork): Promise<number> {
    return mergeStagedEvents(unit.db);
  }

  find(unit: UnitOfWork, eventId: string): Promise<UsageEventRow | undefined> {
    return findUsageEventRow(unit.db, unit.businessId, eventId);
  }

  list(unit: UnitOfWork, query: UsageEventQuery, offset: number, limit: number): Promise<UsageEventRow[]> {
    return listUsageEventRows(unit.db, unit.businessId, query, offset, limit);
  }

  meterUnits(unit: UnitOfWork, customerId: string, meter: MeterDefinition, start: number, end: number): Promise<number> {
    return meterUnitsOf(unit.db, customerId, meter, start, end);
  }
}

/**
 * Stores validated rows all or nothing, built by `rowsNow` under the write lock (store.ts has the
 * contract): customers are checked against this connection's known ids first, event ids against the
 * staged copy and, through the merged-id filter, the hash index. One immediate transaction; the staged
 * copy learns each row as it is staged, and is marked stale if the transaction fails. Then, once
 * `mergeThreshold` events are staged, merges them.
 */
async function ingestUsageEvents(
  db: Db,
  businessId: string,
  rowsNow: () => readonly UsageEventRow[],
  mergeThreshold: number,
): Promise<IngestOutcome> {
  const store = stateOf(db);
  let rows: readonly UsageEventRow[] = [];
  let found: string[] = [];
  // Returns how many rows it staged. Each goes into the staged copy as it is staged, so a later row of the
  // batch with its event_id is a duplicate; should the transaction fail, the caller marks the copy stale.
  const ingest = (): number => {
    rows = rowsNow();
    store.sync();
    const unchecked = [...new Set(rows.map((r) => r.customer_id))].filter((id) => !store.knowsCustomer(businessId, id));
    found = unchecked.length === 0 ? [] : store.sql.knownCustomers.all(businessId, JSON.stringify(unchecked));
    const missing = unchecked.filter((id) => !found.includes(id));
    if (missing.length > 0) {
      throw new BillingError(
        'NOT_FOUND',
        `no customer ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}; nothing in the batch was stored`,
        'create_customer first, or list_customers for the existing ids',
      );
    }
    const hashes = rows.map((r) => eventIdHash(r.event_id));
    const mergedIds = store.mergedIds();
    const candidates = [...new Set(hashes.filter((hash) => mergedIds.mayHold(hash)))];
    const merged = new Set(candidates.length === 0 ? [] : store.sql.mergedWithHashes.all(JSON.stringify(candidates)).map((r) => r.event_id));
    let staged = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as UsageEventRow;
      if (merged.has(r.event_id) || store.staged.has(r.event_id)) continue;
      const id_hash = hashes[i] as number;
      const seq = Number(
        store.sql.stage.run(id_hash, r.event_id, r.business_id, r.customer_id, r.event_name, r.timestamp, r.metadata).lastInsertRowid,
      );
      staged += 1;
      store.staged.addOne({
        seq,
        id_hash,
        event_id: r.event_id,
        business_id: r.business_id,
        customer_id: r.customer_id,
        event_name: r.event_name,
        timestamp: r.timestamp,
        metadata: r.metadata,
        parsed: undefined,
      });
    }
    return staged;
  };
  if (db.isTransaction) {
    // Joined to the caller's transaction, under a savepoint (better-sqlite3 nests a transaction as one),
    // so a batch that fails leaves the caller's transaction as it was. The caller may still roll back:
    // its customers are not remembered, and the copy reloads once that transaction ends.
    let ingested: number;
    try {
      ingested = store.raw.transaction(ingest)();
    } catch (error) {
      store.staged.markStale();
      throw error;
    }
    store.stagedInOpenTransaction();
    return { ingested, duplicates: rows.length - ingested };
  }
  return db.connection().execute(async () => {
    let ingested: number;
    try {
      ingested = await inRawWriteTransaction(store.raw, ingest);
    } catch (error) {
      store.staged.markStale();
      throw error;
    }
    for (const id of found) store.rememberCustomer(businessId, id);
    if (store.staged.size >= mergeThreshold) await mergeStaged(store);
    return { ingested, duplicates: rows.length - ingested };
  });
}

/**
 * Moves every staged event into usage_events in one transaction, sorted by (customer, event name,
 * timestamp), indexes their id hashes in hash order, records one run per customer and event name,
 * empties the staging table and counts the merge in usage_staging_state so every process reloads its
 * staged copy. 100,000 staged events over
 * 1,000 customers and 2 event names → 100,000 rows appended and 2,000 runs.
 */
async function mergeStaged(store: ConnectionState): Promise<number> {
  try {
    const merged = await inRawWriteTransaction(store.raw, () => {
      store.sync();
      const before = store.sql.maxMergedSeq.get() ?? 0;
      const moved = store.sql.mergeStaged.run().changes;
      store.sql.recordIds.run(before);
      // The staged copy, synced in this transaction, holds exactly the moved rows: runs and filter
      // hashes come from it; were it ever short, both are read back from usage_events instead.
      const copyIsExact = moved === store.staged.size;
      if (copyIsExact) store.sql.recordRunsOf.run(before, before, JSON.stringify(store.staged.runs()));
      else store.sql.recordRuns.run(before);
      const filtered = copyIsExact && store.addMergedFromStaged(before);
      store.sql.clearStaged.run();
      store.sql.nextGeneration.run();
      return { moved, filteredThrough: filtered ? before + moved : undefined };
    });
    store.staged.markStale();
    if (merged.filteredThrough !== undefined) store.filterCoversThrough(merged.filteredThrough);
    return merged.moved;
  } catch (error) {
    store.staged.markStale();
    throw error;
  }
}

/** Merges whatever is staged now (a quiet process, a test, a benchmark); returns how many moved. */
async function mergeStagedEvents(db: Db): Promise<number> {
  const store = stateOf(db);
  if (db.isTransaction) throw new Error('mergeStagedEvents runs its own transaction');
  return db.connection().execute(async () => mergeStaged(store));
}

/** A stored event by id, staged or merged. */
async function findUsageEventRow(db: Db, businessId: string, eventId: string): Promise<UsageEventRow | undefined> {
  return inSnapshot(db, (store) => {
    const staged = store.staged.get(eventId);
    if (staged) return staged.business_id === businessId ? rowOf(staged) : undefined;
    return store.sql.mergedById.all(eventIdHash(eventId)).find((r) => r.event_id === eventId && r.business_id === businessId);
  });
}

/**
 * A meter's units for one customer over [start, end): the meter's event name, filter and aggregation over
 * merged and staged events alike. The filter runs in SQL on merged events and only the
 * aggregation key's values come back (a filtered sum over one customer's month reads ~500 small values,
 * not 500 metadata documents); staged events go through matching.ts. Both feed the same `aggregate`, in
 * timestamp order, so the result is the reference implementation's to the last bit. A filter key that
 * cannot be written as a JSON path falls back to parsing every event.
 */
async function meterUnitsOf(db: Db, customerId: string, meter: MeterDefinition, start: number, end: number): Promise<number> {
  const where = filterSql(meter.filter);
  const key = meter.aggregation.key ?? '';
  const path = meter.aggregation.type === 'count' ? '' : jsonPath(key);
  return inSnapshot(db, (store) => {
    const staged = stagedOf(store, customerId, meter.event_name, start, end).filter((e) => matchesFilter(meter.filter, metadataOf(e)));
    if (where === null || path === null) {
      const merged = store.sql.mergedOfCustomer
        .all(customerId, meter.event_name, start, end, start, end)
        .map((r): AggregatedEvent => ({ timestamp: r.timestamp, metadata: parseUsageMetadata(r.metadata) }))
        .filter((e) => matchesFilter(meter.filter, e.metadata));
      return aggregate(meter.aggregation, inTimeOrder(merged, staged));
    }
    // Each aggregation reads as little as it needs: a count or a maximum is one row, distinct values are
    // few, the latest value is one row; only a sum reads every value (in time order, as the reference adds).
    const rows = (select: string, extra = '', order = ''): unknown[][] =>
      store
        .rawStatement(`SELECT ${select} ${RUNS_OVERLAPPING} ${extra} AND ${where.sql} ${order}`)
        .all(...[customerId, meter.event_name, start, end, start, end], ...where.params);
    // The path as an SQL string literal (a key may hold an apostrophe: "o'clock" → 'o''clock').
    const at = `'${path.replaceAll("'", "''")}'`;
    const numeric = `AND json_type(e.metadata, ${at}) IN ('integer', 'real')`;
    const value = `json_extract(e.metadata, ${at})`;
    switch (meter.aggregation.type) {
      case 'count':
        return Number(rows('count(*)')[0]?.[0] ?? 0) + staged.length;
      case 'max': {
        const merged = rows(`max(${value})`, numeric)[0]?.[0];
        return aggregate(meter.aggregation, [
          ...(typeof merged === 'number' ? [{ timestamp: 0, metadata: { [key]: merged } }] : []),
          ...stagedEvents(staged),
        ]);
      }
      case 'last': {
        const latest = rows(`e.timestamp, ${value}`, numeric, 'ORDER BY e.timestamp DESC, e.seq DESC LIMIT 1')[0];
        const merged = latest ? [{ timestamp: Number(latest[0]), metadata: { [key]: Number(latest[1]) } }] : [];
        return aggregate(meter.aggregation, inTimeOrder(merged, staged));
      }
      case 'unique_count': {
        const merged = rows(`DISTINCT json_type(e.metadata, ${at}), ${value}`, `AND json_type(e.metadata, ${at}) IS NOT NULL`).map(
          (r): AggregatedEvent => ({ timestamp: 0, metadata: { [key]: jsonValue(String(r[0]), r[1]) } }),
        );
        return aggregate(meter.aggregation, [...merged, ...stagedEvents(staged)]);
      }
      case 'sum': {
        // Whole numbers add up the same in any order: one row from SQLite (its integer sum is exact),
        // unless a value is fractional or the total leaves the safe-integer range, where the order of
        // floating-point additions shows and the values are added in time order as the reference does.
        const [total, fractional] = rows(`sum(${value}), count(*) FILTER (WHERE json_type(e.metadata, ${at}) = 'real')`, numeric)[0] ?? [0, 0];
        const stagedValues = staged.map((e) => metadataOf(e)?.[key]).filter((v): v is number => typeof v === 'number');
        if (fractional === 0 && stagedValues.every(Number.isSafeInteger)) {
          const sum = stagedValues.reduce((a, b) => a + b, Number(total ?? 0));
          if (Number.isSafeInteger(sum)) return sum;
        }
        const merged = rows(`e.timestamp, ${value}`, numeric, 'ORDER BY e.timestamp, e.seq').map((r): AggregatedEvent => ({
          timestamp: Number(r[0]),
          metadata: { [key]: Number(r[1]) },
        }));
        return aggregate(meter.aggregation, inTimeOrder(merged, staged));
      }
    }
  });
}

/** The stored row alone: a staged event is the connection's cached object, which a caller must not hold or change. */
function rowOf({ event_id, business_id, customer_id, event_name, timestamp, metadata }: UsageEventRow): UsageEventRow {
  return { event_id, business_id, customer_id, event_name, timestamp, metadata };
}

function stagedEvents(staged: readonly StagedEvent[]): AggregatedEvent[] {
  return staged.map((e) => ({ timestamp: e.timestamp, metadata: metadataOf(e) }));
}

/** SQLite reports JSON true/false as 1/0 with type 'true'/'false': back to booleans, as stored. */
function jsonValue(type: string, value: unknown): UsageMetadata[string] {
  if (type === 'true') return true;
  if (type === 'false') return false;
  return typeof value === 'number' ? value : String(value);
}

/** Merged events (already in time order) then staged ones, stably by timestamp: ties keep arrival order. */
function inTimeOrder(merged: AggregatedEvent[], staged: readonly StagedEvent[]): AggregatedEvent[] {
  if (staged.length === 0) return merged;
  for (const e of staged) merged.push({ timestamp: e.timestamp, metadata: metadataOf(e) });
  return merged.sort((a, b) => a.timestamp - b.timestamp);
}

function stagedOf(store: ConnectionState, customerId: string, eventName: string, start: number, end: number): StagedEvent[] {
  return store.staged.ofCustomer(customerId).filter((e) => e.event_name === eventName && e.timestamp >= start && e.timestamp < end);
}

/**
 * Events newest first (timestamp, then event_id, both descending), `limit` from `offset`: the merged
 * rows that could be on the page (offset + limit of them) and the matching staged ones, merged in order.
 */
async function listUsageEventRows(db: Db, businessId: string, query: UsageEventQuery, offset: number, limit: number): Promise<UsageEventRow[]> {
  const start = query.start ?? Number.MIN_SAFE_INTEGER;
  const end = query.end ?? Number.MAX_SAFE_INTEGER;
  return inSnapshot(db, (store) => {
    const where = ['e.business_id = ?', 'e.timestamp >= ?', 'e.timestamp < ?'];
    const params: (string | number)[] = [businessId, start, end];
    let from = 'usage_events e';
    if (query.customer_id !== undefined) {
      from = 'usage_event_runs r CROSS JOIN usage_events e NOT INDEXED ON e.seq BETWEEN r.first_seq AND r.last_seq';
      where.push('r.customer_id = ?', 'r.max_ts >= ?', 'r.min_ts < ?');
      params.push(query.customer_id, start, end);
      if (query.event_name !== undefined) {
        where.push('r.event_name = ?');
        params.push(query.event_name);
      }
    }
    if (query.event_name !== undefined) {
      where.push('e.event_name = ?');
      params.push(query.event_name);
    }
    const merged = store
      .listing(
        `SELECT e.event_id, e.business_id, e.customer_id, e.event_name, e.timestamp, e.metadata FROM ${from}
         WHERE ${where.join(' AND ')} ORDER BY e.timestamp DESC, e.event_id DESC LIMIT ?`,
      )
      .all(...params, offset + limit);
    const candidates = query.customer_id === undefined ? [...store.staged.all()] : [...store.staged.ofCustomer(query.customer_id)];
    const staged = candidates.filter(
      (e) =>
        e.business_id === businessId &&
        (query.event_name === undefined || e.event_name === query.event_name) &&
        e.timestamp >= start &&
        e.timestamp < end,
    );
    const all: UsageEventRow[] = [...merged, ...staged];
    all.sort((a, b) => b.timestamp - a.timestamp || (a.event_id < b.event_id ? 1 : a.event_id > b.event_id ? -1 : 0));
    return all.slice(offset, offset + limit).map(rowOf);
  });
}
