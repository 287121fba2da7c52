import type SQLite from 'better-sqlite3';
import { BillingError, driverErrorCode } from '../errors.js';
import { sleep } from '../shared/sleep.js';

/**
 * How long a write waits for another process to let go of the database's write lock before it gives up
 * with DATABASE_BUSY. The longest holders are bounded well below it: a due-work batch (0.5 s), a usage
 * merge of 100,000 events (~0.5 s), a webhook outcome batch.
 */
export const WRITE_LOCK_WAIT_MS = 15_000;

/** Pauses between tries while another process holds the lock: short, so a waiter lands in the holder's gaps. */
const RETRY_DELAYS_MS = [1, 1, 2, 2, 4] as const;

/**
 * Per connection: its lock statements, and which of its transactions holds the write lock. The test clock
 * reads this: while this connection holds the write lock no other process can commit, so the clock read
 * at the start of the transaction stays true until it ends (test-clock/repo.ts sqliteStoredOffset).
 */
export interface WriteLockState {
  /** Write transactions begun on this connection so far. */
  began: number;
  /** `began` of the write transaction open now, or 0 when none is. */
  holding: number;
}

interface LockStatements {
  state: WriteLockState;
  waitMs: number;
  raw: SQLite.Database;
  /** The connection's own busy timeout, for single statements (database.ts), put back after each try. */
  busyTimeoutMs: number;
  begin: SQLite.Statement;
  commit: SQLite.Statement;
  rollback: SQLite.Statement;
}

// Several processes: per connection, its prepared lock statements and whether it holds the write lock
// now, which only this connection changes; nothing read from the database is kept.
const connections = new WeakMap<SQLite.Database, LockStatements>();

function statementsOf(raw: SQLite.Database): LockStatements {
  let statements = connections.get(raw);
  if (!statements) {
    const busyTimeoutMs = Number(raw.pragma('busy_timeout', { simple: true }));
    statements = {
      state: { began: 0, holding: 0 },
      waitMs: WRITE_LOCK_WAIT_MS,
      raw,
      busyTimeoutMs,
      begin: raw.prepare('BEGIN IMMEDIATE'),
      commit: raw.prepare('COMMIT'),
      rollback: raw.prepare('ROLLBACK'),
    };
    connections.set(raw, statements);
  }
  return statements;
}

export function writeLockStateOf(raw: SQLite.Database): WriteLockState {
  return statementsOf(raw).state;
}

/** How long this connection's write transactions wait for the lock (default WRITE_LOCK_WAIT_MS). */
export function setWriteLockWait(raw: SQLite.Database, waitMs: number): void {
  statementsOf(raw).waitMs = waitMs;
}

/**
 * Begins a write transaction holding the database's write lock (BEGIN IMMEDIATE), waiting for it while
 * another process holds it. A deferred BEGIN would read first and then fail at its first write with
 * SQLITE_BUSY, without waiting, whenever another process wrote in between (SQLite refuses to wait there,
 * to avoid deadlock): 16.6 % of two servers' writes failed that way. The wait is a loop of short async
 * pauses rather than SQLite's busy handler, which sleeps the whole process (up to 100 ms a try) and
 * rarely lands in the gap between another process's transactions.
 */
export async function beginWriteTransaction(raw: SQLite.Database): Promise<void> {
  const statements = statementsOf(raw);
  const { waitMs } = statements;
  const started = performance.now();
  for (let attempt = 0; !tryBegin(statements); attempt++) {
    if (performance.now() - started >= waitMs) throw databaseBusy(waitMs);
    await sleep(RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)] ?? 4);
  }
  statements.state.began += 1;
  statements.state.holding = statements.state.began;
}

/** Marks the write transaction ended (committed or rolled back by whoever began it). */
export function writeTransactionEnded(raw: SQLite.Database): void {
  statementsOf(raw).state.holding = 0;
}

/**
 * Runs synchronous `work` on the raw connection in a write transaction begun by beginWriteTransaction:
 * commits what it did, or rolls it all back when it throws. For repos' raw hot paths (usage ingestion);
 * the caller holds Kysely's connection so no other request interleaves.
 */
export async function inRawWriteTransaction<T>(raw: SQLite.Database, work: () => T): Promise<T> {
  const statements = statementsOf(raw);
  await beginWriteTransaction(raw);
  try {
    const value = work();
    statements.commit.run();
    return value;
  } catch (error) {
    if (raw.inTransaction) statements.rollback.run();
    throw error;
  } finally {
    writeTransactionEnded(raw);
  }
}

/** One try at the lock without SQLite's own busy wait; false when another connection holds it. */
function tryBegin(statements: LockStatements): boolean {
  // Not prepared statements: SQLite sets busy_timeout when a PRAGMA is prepared, so a prepared one's first
  // run changes nothing, and each connection's first write transaction waited in SQLite's busy handler (up
  // to 5 s, the whole process asleep) instead of here. exec prepares anew each time (~1 µs a pair).
  statements.raw.exec('PRAGMA busy_timeout = 0');
  try {
    statements.begin.run();
    return true;
  } catch (error) {
    if (isDatabaseBusy(error)) return false;
    throw error;
  } finally {
    statements.raw.exec(`PRAGMA busy_timeout = ${statements.busyTimeoutMs}`);
  }
}

/** SQLite's "another connection holds the lock" (SQLITE_BUSY and its extended codes, SQLITE_LOCKED). */
export function isDatabaseBusy(error: unknown): boolean {
  const code = driverErrorCode(error);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** The retryable error of a wait for the database that ran out (`waitedMs`, when known). */
export function databaseBusy(waitedMs?: number): BillingError {
  const held = waitedMs === undefined ? 'too long' : `for ${Math.round(waitedMs / 1000)} s`;
  return new BillingError(
    'DATABASE_BUSY',
    `another billing-mcp process held the database's lock ${held}; this call changed nothing`,
    'retry the call',
  );
}
