import { PostgresAdapter, SqliteAdapter } from 'kysely';
import { type Db, rawSqliteOf } from '../db/database.js';
import { BillingError } from '../errors.js';
import type { UsageEventRow } from './rules.js';
import { PostgresUsageEventStore } from './postgres-store.js';
import { SqliteUsageEventStore, type SqliteUsageEventStoreOptions } from './sqlite-store.js';
import type { IngestOutcome, UsageEventStore } from './store.js';

/** What the engine may tune in the store it opens; each store takes what applies to it. */
export type UsageEventStoreOptions = SqliteUsageEventStoreOptions;

/**
 * The usage event store for the database's dialect. The engine picks it once, when it opens (index.ts), and
 * every scope reaches it as `deps.usageEvents`, transactions included: a store keeps its per-connection
 * state by connection, so a transaction on the engine's connection reaches the same events and caches.
 * SQLite's store needs the raw connection openDatabase made; PostgreSQL's works on any Kysely handle.
 */
export function usageEventStoreFor(db: Db, options: UsageEventStoreOptions = {}): UsageEventStore {
  if (rawSqliteOf(db)) return new SqliteUsageEventStore(options);
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return new PostgresUsageEventStore();
  return new UnsupportedUsageEventStore(
    adapter instanceof SqliteAdapter
      ? 'usage events on SQLite need the connection openDatabase made, and this database handle has none'
      : 'usage events are stored on SQLite and PostgreSQL only',
  );
}

/** The store of a database no store supports yet: the engine opens, and every usage call says why it cannot. */
class UnsupportedUsageEventStore implements UsageEventStore {
  constructor(private readonly reason: string) {}

  private refuse(): Promise<never> {
    return Promise.reject(new BillingError('UNSUPPORTED_ACTION', this.reason, 'open the engine with openDatabase (the CLI: --db <file>)'));
  }

  ingest(): Promise<IngestOutcome> {
    return this.refuse();
  }

  mergeStaged(): Promise<number> {
    return this.refuse();
  }

  find(): Promise<UsageEventRow | undefined> {
    return this.refuse();
  }

  list(): Promise<UsageEventRow[]> {
    return this.refuse();
  }

  meterUnits(): Promise<number> {
    return this.refuse();
  }
}
