import { inspect } from 'node:util';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  type DatabaseConnection,
  DEFAULT_MIGRATION_TABLE,
  Kysely,
  Migrator,
  sql,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type Driver,
} from 'kysely';
import { migrationProvider } from './migrations/index.js';
import { isPostgres, postgresHandleOf } from './postgres-registry.js';
import { withStatementCache } from './statement-cache.js';
import type { Database } from './schema.js';
import { beginWriteTransaction, setWriteLockWait, writeTransactionEnded } from './write-lock.js';

export type Db = Kysely<Database>;

export interface OpenDatabaseOptions {
  /** A file path, or ':memory:' for a private in-memory database. */
  path: string;
  /** Open the file read-only: no statement can write, whatever a caller asks. */
  readonly?: boolean;
  /** How long a write transaction waits for another process's write lock (default 15 s, write-lock.ts). */
  writeLockWaitMs?: number;
}

export interface OpenedDatabase {
  db: Db;
  /** The raw connection, for hot paths a benchmark has shown to pay (behind a repo). */
  sqlite: SQLite.Database;
  path: string;
  readonly: boolean;
  close(): Promise<void>;
}

const BUSY_TIMEOUT_MS = 5000;

// Several processes: maps this process's Kysely handles to this process's own connection; no row is kept.
const rawConnections = new WeakMap<Db, SQLite.Database>();

/**
 * The better-sqlite3 connection under a database that openDatabase made, for a repo's benchmarked hot
 * path; undefined for any other database (PostgreSQL, a caller's own Kysely), where the portable query runs.
 * Kysely holds this one connection, so a raw statement run inside a Kysely transaction is part of it.
 */
export function rawSqliteOf(db: Db): SQLite.Database | undefined {
  return rawConnections.get(db);
}

// Several processes: maps a transaction handle to the root handle it was opened from, in this process only.
const transactionRoots = new WeakMap<Db, Db>();

/**
 * A transaction of `root` runs on root's connection (SQLite) or root's pool (PostgreSQL): its repos may use
 * the same raw hot paths, and it runs the queries root compiled (reusable.ts).
 */
export function shareRawConnection(root: Db, trx: Db): void {
  const raw = rawConnections.get(root);
  if (raw) rawConnections.set(trx, raw);
  transactionRoots.set(trx, transactionRoots.get(root) ?? root);
}

/**
 * What compiled SQL may be shared by: the raw SQLite connection, else the root handle a transaction came
 * from (its SQL is the root's: same dialect, same plugins), else the handle itself.
 */
export function compiledQueryOwnerOf(db: Db): object {
  return rawConnections.get(db) ?? transactionRoots.get(db) ?? db;
}

/**
 * Opens SQLite the way a billing engine needs it: WAL (readers never block the writer), foreign keys
 * enforced, write transactions that wait for the write lock (WriteLockingSqliteDialect), and a busy
 * timeout for single statements, so a second process waits instead of failing. Kysely's SQLite driver holds
 * one connection and a transaction keeps it until commit, so concurrent requests never see half a change.
 */
export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const readonly = options.readonly ?? false;
  const inMemory = options.path === ':memory:';
  // The file holds webhook secrets, custom header values and license keys: a folder this creates is the
  // user's alone (0700), and so is a database file it creates (0600; SQLite gives -wal and -shm the
  // database file's mode). Existing folders and files keep the modes their owner chose.
  if (!inMemory && !readonly) {
    mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
    if (!existsSync(options.path)) closeSync(openSync(options.path, 'a', 0o600));
  }
  const sqlite = new SQLite(options.path, { readonly, fileMustExist: readonly });
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
  // Up to 64 MB of page cache (SQLite's default is 2 MB, allocated as used): the idempotency index of a
  // 1,000,000-event database is ~14 MB, and every ingested batch looks up 1000 random entries in it.
  sqlite.pragma('cache_size = -65536');
  if (!inMemory && !readonly) {
    sqlite.pragma('journal_mode = WAL');
    // With WAL, NORMAL is durable across application crashes; only an OS crash can lose the last commit.
    sqlite.pragma('synchronous = NORMAL');
    // Checkpoint every 40,000 pages (≤ 160 MB of WAL) instead of SQLite's 1,000. A bulk merge of 50,000
    // usage events rewrites every page of the idempotency index (~3,400 pages at 1,000,000 events); with a
    // checkpoint after each merge those pages reach the database file once per merge, with one every ~4
    // merges once per 4. 200,000 events into the 1M-event database: 45–48k → 51–59k events/s (bench/usage.mjs).
    // After a checkpoint the WAL file is cut back to 64 MB, so a quiet server does not keep 160 MB on disk.
    sqlite.pragma('wal_autocheckpoint = 40000');
    sqlite.pragma('journal_size_limit = 67108864');
  }
  // Savepoint sub-journals (the due-work runner runs each item of a batch under one) and temporary
  // b-trees kept in memory rather than in temp files: with files, renewing 1,000 subscriptions made
  // 80,848 pwrite64 calls (~69 a renewal), in memory 11,828 (strace of .bench-tmp/renew/bench2.mjs).
  sqlite.pragma('temp_store = MEMORY');
  if (options.writeLockWaitMs !== undefined) setWriteLockWait(sqlite, options.writeLockWaitMs);
  const db = new Kysely<Database>({ dialect: new WriteLockingSqliteDialect(sqlite, { database: withStatementCache(sqlite) }) });
  rawConnections.set(db, sqlite);
  return {
    db,
    sqlite,
    path: options.path,
    readonly,
    close: () => db.destroy(),
  };
}

/**
 * Kysely's SQLite dialect, except that a transaction takes the write lock when it begins and waits for it
 * (write-lock.ts): every transaction the engine opens writes, and one that only took the lock at its
 * first write would fail at once whenever another process had written since it began reading. On a
 * read-only connection transactions stay deferred (nothing there can write).
 */
class WriteLockingSqliteDialect extends SqliteDialect {
  constructor(
    private readonly raw: SQLite.Database,
    private readonly driverConfig: SqliteDialectConfig,
  ) {
    super(driverConfig);
  }

  override createDriver(): Driver {
    return new WriteLockingSqliteDriver(this.raw, this.driverConfig);
  }
}

class WriteLockingSqliteDriver extends SqliteDriver {
  constructor(
    private readonly raw: SQLite.Database,
    config: SqliteDialectConfig,
  ) {
    super(config);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.raw.readonly) return super.beginTransaction(connection);
    await beginWriteTransaction(this.raw);
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.commitTransaction(connection);
    } finally {
      if (!this.raw.inTransaction) writeTransactionEnded(this.raw);
    }
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      writeTransactionEnded(this.raw);
    }
  }
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<void> {
  if (await everyMigrationRecorded(db)) return;
  await createMissingSchema(db);
  const migrator = migratorOf(db);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : inspect(error)}`);
  }
}

/**
 * PostgreSQL: the engine's schema (`?schema=NAME`), created when it does not exist yet, so a new engine
 * needs no set-up beyond its database. Looked for first: creating one needs CREATE on the database, which
 * a role confined to an existing schema may lack.
 */
async function createMissingSchema(db: Db): Promise<void> {
  const schema = postgresHandleOf(db)?.schema;
  if (schema === undefined) return;
  const { rows } = await sql<{ present: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${schema}) AS present`.execute(db);
  if (rows[0]?.present !== true) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
}

/**
 * Kysely's migrator; on PostgreSQL its own tables are looked for in the engine's schema, not in any schema
 * of the database (another engine's schema beside it has them too).
 */
function migratorOf(db: Db): Migrator {
  const schema = postgresHandleOf(db)?.schema;
  return new Migrator({ db, provider: migrationProvider, ...(schema === undefined ? {} : { migrationTableSchema: schema }) });
}

/**
 * True when the migration table lists exactly this version's migrations, as at every start after the
 * first: one read instead of the Migrator's dozen statements and its lock (~12 ms of a start). A new file,
 * a pending migration or one this version does not know (a newer billing-mcp wrote it) is false, and the
 * Migrator migrates or refuses as always. A migration's row commits with it, so a half-done migration by
 * another process is never read as done.
 */
async function everyMigrationRecorded(db: Db): Promise<boolean> {
  const recorded = await recordedMigrations(db);
  if (!recorded) return false;
  const known = Object.keys(await migrationProvider.getMigrations());
  return recorded.size === known.length && known.every((name) => recorded.has(name));
}

/** The names in the migration table, or undefined when it does not exist (or the database is neither of ours). */
async function recordedMigrations(db: Db): Promise<Set<string> | undefined> {
  const raw = rawSqliteOf(db);
  if (raw) {
    const table = raw.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(DEFAULT_MIGRATION_TABLE);
    return table ? new Set(raw.prepare(`SELECT name FROM ${DEFAULT_MIGRATION_TABLE}`).pluck().all() as string[]) : undefined;
  }
  if (!isPostgres(db)) return undefined;
  // to_regclass resolves the name through the search_path, as the engine's own statements do.
  const { rows } = await sql<{ present: boolean }>`SELECT to_regclass(${DEFAULT_MIGRATION_TABLE}) IS NOT NULL AS present`.execute(db);
  if (rows[0]?.present !== true) return undefined;
  const names = await sql<{ name: string }>`SELECT name FROM ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
  return new Set(names.rows.map((r) => r.name));
}

/** Names of migrations not yet applied; a read-only server refuses to start on a database with pending ones. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = migratorOf(db);
  const migrations = await migrator.getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
