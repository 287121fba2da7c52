import type { EngineContext } from '../context.js';
import type { Meter } from '../meters/types.js';
import type { UsageEventRow } from './rules.js';

// The usage event store: the port between the usage domain (service.ts, billing.ts) and whatever keeps the
// events. Everything the engine asks of stored usage events is here, in its own terms: store a batch once,
// read one or a page of them, measure a meter over a period. How a store meets the contract (staging,
// indexes, caches) is its own business; test/engine/usage/event-store.contract.test.ts holds every
// implementation to the same worked cases.

/**
 * Where a store call runs: the unit of work's database handle (the engine's database, or a transaction
 * open on it) and whose business it is. An EngineContext is one, and so is anything that extends it.
 */
export type UnitOfWork = Pick<EngineContext, 'db' | 'businessId'>;

/** What one ingestion did: events stored now, and events skipped because their event_id was stored already. */
export interface IngestOutcome {
  ingested: number;
  duplicates: number;
}

/** Which events a listing reads. Instants in epoch ms; absent means unbounded. */
export interface UsageEventQuery {
  customer_id?: string | undefined;
  event_name?: string | undefined;
  /** Inclusive. */
  start?: number | undefined;
  /** Exclusive. */
  end?: number | undefined;
}

/** The fields of a meter that decide its units. */
export type MeterDefinition = Pick<Meter, 'event_name' | 'aggregation' | 'filter'>;

/**
 * Stored usage events (SPEC §1.15, §2.7). Every method takes the unit of work it runs in. Unless a method
 * says otherwise: called with a database that is not in a transaction, it runs in a transaction of its
 * own; called with a transaction, it joins it and sees that transaction's own writes. Every read is one
 * consistent snapshot: a store that keeps events in more than one place (staged and merged) never shows
 * a read half of a move between them, whichever connection or process made the move.
 */
export interface UsageEventStore {
  /**
   * Stores a batch all or nothing, idempotently by event_id (SPEC §2.7). `rowsNow` is called once inside
   * the write transaction that stores the batch, once the store holds whatever serialises writes to it, so
   * rows stamped with the clock in it carry the time every process sees while they are stored (an advance
   * of the test clock commits wholly before or wholly after them). A store that runs the transaction again
   * (PostgreSQL, after the database ended it to break a deadlock) calls it again in the new one, and only
   * that call's rows are stored. Rows arrive validated
   * (rules.ts); their business_id is `unit.businessId`.
   *
   * - A row whose event_id is already stored (by any earlier batch, on any connection, merged or not) is
   *   skipped and counted in `duplicates`, never an error; so is a later row of the same batch with an
   *   event_id an earlier row of it has (the first one is stored).
   * - Every customer_id must be a customer of the business, else NOT_FOUND naming the missing ids, and
   *   nothing in the batch is stored.
   * - Any failure, at any row, stores nothing: the batch is stored whole or not at all. Joined to a caller's
   *   transaction, a failed batch leaves that transaction as it was (it may go on and commit), and stored
   *   rows commit or roll back with it; a rollback leaves no trace in any later read or ingestion.
   * - Once it returns, every later read on any connection of the database sees the stored rows (joined to a
   *   transaction: once that transaction commits).
   *
   * May do housekeeping of its own after the batch commits (the SQLite store merges its staging area at a
   * threshold), never inside a caller's transaction.
   */
  ingest(unit: UnitOfWork, rowsNow: () => readonly UsageEventRow[]): Promise<IngestOutcome>;

  /**
   * Moves events from a write-optimised staging area into the store's read-optimised layout now, rather
   * than when the store would by itself; returns how many moved (0 for a store without staging). Every
   * read answers exactly as before it. Runs its own transaction: `unit.db` must not be a transaction.
   */
  mergeStaged(unit: UnitOfWork): Promise<number>;

  /** The business's stored event with this event_id, or undefined; an event of another business is undefined. */
  find(unit: UnitOfWork, eventId: string): Promise<UsageEventRow | undefined>;

  /**
   * The business's events matching `query`, newest first: timestamp descending, then event_id descending
   * (a total order, so pages never overlap or skip); `limit` of them from `offset`.
   */
  list(unit: UnitOfWork, query: UsageEventQuery, offset: number, limit: number): Promise<UsageEventRow[]>;

  /**
   * A meter's units for one customer over [start, end) (SPEC §2.7), epoch ms: an event at exactly `end`
   * belongs to the next period, one at `start` to this one. Equal to meters/matching.ts's `aggregate` over
   * the customer's events with the meter's event name that its filter matches (`matchesFilter`), in
   * timestamp order with ties in the order they were stored — to the last bit, so a floating-point sum
   * adds in that order. What billing charges a period with.
   */
  meterUnits(unit: UnitOfWork, customerId: string, meter: MeterDefinition, start: number, end: number): Promise<number>;
}
