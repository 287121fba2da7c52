import type pg from 'pg';
import { PostgresAdapter } from 'kysely';
import type { Db } from './database.js';

// What the engine needs to know of a PostgreSQL database without loading the `pg` driver (~80 ms at start,
// paid only by a server that opens PostgreSQL: postgres.ts is imported on demand, see index.ts).

export interface OpenedPostgres {
  db: Db;
  url: string;
  schema: string;
  /** Registers what the engine reads under the write lock at the start of every write transaction (the test clock). */
  setLockedRead(read: LockedRead | undefined): void;
  /** A dedicated connection for LISTEN; the caller ends it. */
  listener(): pg.Client;
  close(): Promise<void>;
}

/** A statement run right after a write transaction takes the lock, and what to do with its rows. */
export interface LockedRead {
  sql: string;
  apply(rows: Array<Record<string, unknown>>): void;
}

// Several processes: maps this process's Kysely handles to the pools this process opened; no row is kept.
const handles = new WeakMap<Db, OpenedPostgres>();

export function registerPostgres(opened: OpenedPostgres): void {
  handles.set(opened.db, opened);
}

/** What openPostgresDatabase returned for `db` (the engine's root handle), or undefined for any other database. */
export function postgresHandleOf(db: Db): OpenedPostgres | undefined {
  return handles.get(db);
}

/** Whether `db` (or a transaction of it) runs on PostgreSQL. */
export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
