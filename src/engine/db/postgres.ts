import pg from 'pg';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';
import { type LockedRead, type OpenedPostgres, registerPostgres } from './postgres-registry.js';
import { BillingError, driverErrorCode } from '../errors.js';
import { nulTextError } from '../shared/text.js';
import { inSharedWriter } from './lock-mode.js';
import { databaseBusy } from './write-lock.js';

export interface OpenPostgresOptions {
  /** A libpq URL: postgres://user:password@host:port/database (PostgreSQL 15 or newer). */
  url: string;
  /**
   * The schema the engine's tables live in (default: the connection's search_path, normally `public`).
   * Engines on different schemas of one database are separate engines: each has its own write lock.
   */
  schema?: string | undefined;
  /** Connections this process keeps to the database (default 10). */
  poolSize?: number | undefined;
  /** --read-only: every transaction of this process is READ ONLY (default_transaction_read_only), whatever it asks. */
  readonly?: boolean | undefined;
  /** How long a write transaction waits for the engine's write lock before DATABASE_BUSY (default 15 s). */
  writeLockWaitMs?: number | undefined;
}

const DEFAULT_POOL_SIZE = 10;
const WRITE_LOCK_WAIT_MS = 15_000;
/** 'bill' as a 32-bit integer: the advisory-lock class of billing-mcp's write locks. */
const LOCK_CLASS = 0x62696c6c;

// PostgreSQL sends bigint (count(*), our epoch-ms and minor-unit columns) and numeric (sum of bigints) as
// text, because they can exceed 2^53. The engine's values never do (amounts in minor units, instants in ms),
// so they are parsed as numbers, exactly as SQLite returns them. Per pool, never pg's global parsers, so an
// application that embeds the engine keeps its own.
const { INT8, NUMERIC } = pg.types.builtins;
function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) && Number.isInteger(value)) throw new Error(`integer ${text} is beyond 2^53: the engine cannot hold it exactly`);
  return value;
}
type TypeId = Parameters<typeof pg.types.getTypeParser>[0];
type TextParser = (value: string) => unknown;
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: TypeId, format?: 'text' | 'binary'): TextParser => {
    if (oid === INT8 || oid === NUMERIC) return parseSafeInteger;
    return (format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text')) as TextParser;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Opens the engine's database on PostgreSQL. Every write transaction takes one transaction-scoped advisory
 * lock of the engine (per schema) as it begins, the PostgreSQL form of SQLite's BEGIN IMMEDIATE: writes of
 * every process on the database take turns, as they do on one SQLite file, so every rule the engine keeps
 * across processes on SQLite (one clock, due work claimed once, outbox sequences committed in order for
 * the webhook cursor) holds here unchanged. The one exception is a write that runs inside asSharedWriter
 * (usage ingestion): it takes the lock shared, beside other such writes and never beside any other
 * (db/lock-mode.ts says when a write may). Reads take no lock and see each statement's committed state
 * (READ COMMITTED), as a SQLite reader sees the last commit.
 */
export function openPostgresDatabase(options: OpenPostgresOptions): OpenedPostgres {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema ${schema} must be lower-case letters, digits and _`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
    types: typeParsers,
    ...sessionOptions([
      ...(schema === undefined ? [] : [`search_path=${schema}`]),
      ...(options.readonly === true ? ['default_transaction_read_only=on'] : []),
    ]),
  });
  // A connection's error (the server restarted, a session ended, a network cut) must not crash the process.
  // Idle: the pool drops that client and the next query opens a new one. In use: pg emits 'error' on the
  // client as well as failing its query, and an 'error' event with no listener would end the process; the
  // query's rejection is what the call answers (engineErrorOf), and the pool drops the client on release.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const driver = new PostgresEngineDriver(pool, lockKeyOf(schema ?? 'public'), options.writeLockWaitMs ?? WRITE_LOCK_WAIT_MS);
  const db: Db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const opened: OpenedPostgres = {
    db,
    url: options.url,
    schema: schema ?? 'public',
    setLockedRead: (read) => {
      driver.lockedRead = read;
    },
    listener: () => new pg.Client({ connectionString: options.url, ...sessionOptions(schema === undefined ? [] : [`search_path=${schema}`]) }),
    close: () => db.destroy(),
  };
  registerPostgres(opened);
  return opened;
}

/** Server settings for every connection of the pool, as libpq's `options` (-c name=value …). */
function sessionOptions(settings: readonly string[]): { options?: string } {
  return settings.length === 0 ? {} : { options: settings.map((setting) => `-c ${setting}`).join(' ') };
}

/** The schema's write lock: a 32-bit FNV-1a hash of its name under billing-mcp's lock class. */
function lockKeyOf(schema: string): [number, number] {
  let hash = 0x811c9dc5;
  for (let i = 0; i < schema.length; i++) {
    hash ^= schema.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return [LOCK_CLASS, hash | 0];
}

/** SQLSTATE 55P03 lock_not_available (lock_timeout ran out), 40P01 deadlock_detected. */
function isLockTimeout(error: unknown): boolean {
  return driverErrorCode(error) === '55P03';
}

/**
 * The connection is gone or was never made: the server is down or restarting, a network cut, or an
 * administrator ended the session (SQLSTATE class 08, 57P01–57P03; node's socket errors; pg's own message).
 */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03']);
function isConnectionLost(error: unknown): boolean {
  const code = driverErrorCode(error);
  const { message } = (error ?? {}) as { message?: unknown };
  if (code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && /Connection terminated|Client has encountered a connection error|Connection ended/i.test(message);
}

/**
 * A pg error as the engine's error where there is one. A lost connection is the retryable error it is, rather
 * than an internal one: before a commit was sent the transaction died with the connection, so nothing changed;
 * a connection lost while committing leaves the outcome unknown, and the caller is told to read before
 * retrying. A value PostgreSQL cannot store is the caller's input error. Anything else is returned as it was.
 */
function engineErrorOf(error: unknown, committing = false): unknown {
  // A NUL character (U+0000) in text, which PostgreSQL's text type cannot hold (SQLSTATE 22021); the doors
  // refuse it first (shared/text.ts), so this is the engine's library used directly. The statement failed,
  // so its transaction changes nothing.
  const code = driverErrorCode(error);
  if (code === '22021') return nulTextError('a text value');
  // A number past a bigint column's 64 bits (SQLSTATE 22003): the tools accept none (at most 2^53 - 1), so
  // this too is the library used directly.
  if (code === '22003')
    return new BillingError('INVALID_REQUEST_PARAMETERS', 'a number is out of range for the database; nothing was changed', 'send a smaller number');
  if (!isConnectionLost(error)) return error;
  const why = error instanceof Error ? error.message : String(error);
  return committing
    ? new BillingError(
        'DATABASE_BUSY',
        `the connection to PostgreSQL was lost while this call committed (${why}); it may or may not have taken effect`,
        'read the object back (its get_ or list_ tool) before retrying',
      )
    : new BillingError(
        'DATABASE_BUSY',
        `PostgreSQL could not be reached (${why}); this call changed nothing`,
        'retry the call once the database is back',
      );
}

const WRITE_KINDS = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

class PostgresEngineDriver implements Driver {
  /** Set by the engine once its tables exist: read under the lock at each write transaction's start. */
  lockedRead: LockedRead | undefined;
  private readonly beginSql: string;
  /** The same, taking the lock shared, for a write begun inside asSharedWriter (db/lock-mode.ts). */
  private readonly beginSharedSql: string;

  constructor(
    private readonly pool: pg.Pool,
    lockKey: [number, number],
    waitMs: number,
  ) {
    // One round trip: begin, a bounded wait for the lock (then DATABASE_BUSY, as on SQLite), then back to
    // no lock_timeout for the transaction's own statements (SET LOCAL ends with the transaction).
    const waitFor = `set local lock_timeout = ${Math.max(1, Math.round(waitMs))}`;
    this.beginSql = `begin; ${waitFor}; select pg_advisory_xact_lock(${lockKey[0]}, ${lockKey[1]}); set local lock_timeout = 0`;
    this.beginSharedSql = `begin; ${waitFor}; select pg_advisory_xact_lock_shared(${lockKey[0]}, ${lockKey[1]}); set local lock_timeout = 0`;
    this.waitMs = waitMs;
  }

  private readonly waitMs: number;

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw engineErrorOf(error);
    });
    return new PostgresEngineConnection(client, this);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel !== undefined || settings.accessMode !== undefined)
      throw new Error('the engine runs every transaction at READ COMMITTED under its write lock');
    await own(connection).beginLocked();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await own(connection).run('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await own(connection).run('rollback');
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    own(connection).release();
  }

  async destroy(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Begins a transaction holding the write lock on `client` (shared inside asSharedWriter, else exclusive),
   * then runs the locked read. PostgreSQL queues a shared request behind an exclusive one already waiting,
   * so a stream of shared writers never keeps an exclusive writer waiting past its turn.
   */
  async begin(client: pg.PoolClient): Promise<void> {
    try {
      await client.query(inSharedWriter() ? this.beginSharedSql : this.beginSql);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      if (isLockTimeout(error)) throw databaseBusy(this.waitMs);
      throw engineErrorOf(error);
    }
    const read = this.lockedRead;
    if (read) {
      const { rows } = await client.query<Record<string, unknown>>(read.sql).catch((error: unknown) => {
        throw engineErrorOf(error);
      });
      read.apply(rows);
    }
  }
}

/**
 * Named (server-side prepared) statements: PostgreSQL parses and plans a named statement once per connection,
 * and pg sends only Bind/Execute after that. The repos build a small fixed set of SQL texts (reusable.ts), so
 * the first MAX_NAMED_STATEMENTS distinct texts get names for the life of the process; later ones (say,
 * `in` lists of every length) run unnamed, so no connection prepares more than that many.
 */
const MAX_NAMED_STATEMENTS = 2000;
// Several processes: SQL text → statement name, this process's own. Nothing in it is read from the database,
// so another process's writes cannot make it wrong: a name only says which text this process prepared on its
// own connections, and PostgreSQL re-plans a prepared statement itself when a table it reads changes.
const statementNames = new Map<string, string>();
function statementNameOf(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `billing_${statementNames.size}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** Kysely hands back the connections this driver made. */
function own(connection: DatabaseConnection): PostgresEngineConnection {
  if (!(connection instanceof PostgresEngineConnection)) throw new Error('a connection this driver did not make');
  return connection;
}

class PostgresEngineConnection implements DatabaseConnection {
  private inTransaction = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly driver: PostgresEngineDriver,
  ) {}

  async beginLocked(): Promise<void> {
    await this.driver.begin(this.client);
    this.inTransaction = true;
  }

  async run(sql: 'commit' | 'rollback'): Promise<void> {
    this.inTransaction = false;
    await this.client.query(sql).catch((error: unknown) => {
      throw engineErrorOf(error, sql === 'commit');
    });
  }

  release(): void {
    this.client.release();
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // A write outside a transaction still takes the engine's write lock: it runs in a transaction of its own.
    if (!this.inTransaction && WRITE_KINDS.has(compiled.query.kind)) {
      await this.beginLocked();
      try {
        const result = await this.execute<R>(compiled);
        await this.run('commit');
        return result;
      } catch (error) {
        await this.run('rollback').catch(() => undefined);
        throw error;
      }
    }
    return this.execute<R>(compiled);
  }

  private async execute<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const name = statementNameOf(compiled.sql);
    const values = [...compiled.parameters];
    const result = await this.client
      .query<R & object>(name === undefined ? { text: compiled.sql, values } : { name, text: compiled.sql, values })
      .catch((error: unknown) => {
        throw engineErrorOf(error);
      });
    const { command, rowCount, rows } = result;
    const affected = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
    return {
      rows,
      ...(affected && rowCount !== null ? { numAffectedRows: BigInt(rowCount) } : {}),
    };
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the engine does not stream queries on PostgreSQL');
  }
}
