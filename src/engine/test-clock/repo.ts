import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { StoredOffset } from '../clock.js';
import type { Db } from '../db/database.js';
import { isPostgres, type OpenedPostgres } from '../db/postgres-registry.js';
import { writeLockStateOf } from '../db/write-lock.js';

/** The channel a PostgreSQL engine announces a stored test-clock offset on; the payload is its schema. */
const CLOCK_CHANNEL = 'billing_mcp_test_clock';

/** How far the test clock is ahead of real time, ms (0 before the first advance). */
export async function findTestClockOffset(db: Db, businessId: string): Promise<number> {
  const row = await db.selectFrom('test_clock').select('offset_ms').where('business_id', '=', businessId).executeTakeFirst();
  return Number(row?.offset_ms ?? 0);
}

export async function saveTestClockOffset(db: Db, businessId: string, offsetMs: number, now: number): Promise<void> {
  await db
    .insertInto('test_clock')
    .values({ business_id: businessId, offset_ms: offsetMs, updated_at: now })
    .onConflict((oc) => oc.column('business_id').doUpdateSet({ offset_ms: offsetMs, updated_at: now }))
    .execute();
  // PostgreSQL delivers a notification when (and only if) the transaction commits: other processes re-read.
  if (isPostgres(db)) await sql`select pg_notify(${CLOCK_CHANNEL}, current_schema())`.execute(db);
}

/**
 * The stored offset on SQLite, for the engine's shared clock (clock.ts OffsetClock). The version is
 * `PRAGMA data_version`, which changes exactly when another connection commits to the file (~1 µs, no
 * I/O), so the offset row is read again only after some process wrote. While this connection holds the
 * write lock nobody else can commit: the version is then that transaction's, and the offset read at its
 * start holds until it ends.
 */
export function sqliteStoredOffset(raw: SQLite.Database, businessId: string): StoredOffset {
  const dataVersion = raw.prepare<[], number>('PRAGMA data_version').pluck();
  const offset = raw.prepare<[string], number>('SELECT offset_ms FROM test_clock WHERE business_id = ?').pluck();
  const lock = writeLockStateOf(raw);
  return {
    version: () => (lock.holding !== 0 && raw.inTransaction ? -lock.holding : (dataVersion.get() ?? 0)),
    read: () => Number(offset.get(businessId) ?? 0),
  };
}

/**
 * Takes the advance lease for `owner` when no other engine holds a live one (its lease ended before
 * `realNow`), in the caller's transaction. True when `owner` holds it now.
 */
export async function claimAdvanceLease(db: Db, businessId: string, owner: string, realNow: number, until: number, now: number): Promise<boolean> {
  const row = await db
    .selectFrom('test_clock')
    .select(['advance_owner', 'advance_lease_until'])
    .where('business_id', '=', businessId)
    .executeTakeFirst();
  const heldByAnother = row?.advance_owner != null && row.advance_owner !== owner && Number(row.advance_lease_until ?? 0) > realNow;
  if (heldByAnother) return false;
  await db
    .insertInto('test_clock')
    .values({ business_id: businessId, offset_ms: 0, updated_at: now, advance_owner: owner, advance_lease_until: until })
    .onConflict((oc) => oc.column('business_id').doUpdateSet({ advance_owner: owner, advance_lease_until: until }))
    .execute();
  return true;
}

/** Extends `owner`'s lease (nothing when it no longer holds it). */
export async function renewAdvanceLease(db: Db, businessId: string, owner: string, until: number): Promise<void> {
  await db
    .updateTable('test_clock')
    .set({ advance_lease_until: until })
    .where('business_id', '=', businessId)
    .where('advance_owner', '=', owner)
    .execute();
}

export async function releaseAdvanceLease(db: Db, businessId: string, owner: string): Promise<void> {
  await db
    .updateTable('test_clock')
    .set({ advance_owner: null, advance_lease_until: null })
    .where('business_id', '=', businessId)
    .where('advance_owner', '=', owner)
    .execute();
}

/**
 * The stored offset on PostgreSQL, for the engine's shared clock (clock.ts OffsetClock). The copy held
 * here stays true by three means: every write transaction reads the offset right after it takes the
 * engine's write lock (postgres.ts), so a write always works at the clock every process sees, and no
 * other process can store a new offset until it commits; this process's own advance updates it when it
 * commits (`committed`); and another process's advance arrives by LISTEN/NOTIFY within a round trip of its
 * commit, so a read (which takes no lock) sees it from then on. A lost listening connection is opened
 * again, and the offset read anew, a second later.
 */
export class PostgresStoredOffset implements StoredOffset {
  private offset = 0;
  private stamp = 0;
  private listener: ReturnType<OpenedPostgres['listener']> | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly handle: OpenedPostgres,
    private readonly businessId: string,
  ) {}

  /** Reads the offset, starts listening and registers the read under the write lock. */
  async start(): Promise<void> {
    this.handle.setLockedRead({
      sql: `select offset_ms from test_clock where business_id = '${this.businessId.replace(/'/g, "''")}'`,
      apply: (rows) => this.take(Number(rows[0]?.offset_ms ?? 0)),
    });
    await this.listen();
  }

  version(): number {
    return this.stamp;
  }

  read(): number {
    return this.offset;
  }

  committed(offsetMs: number): void {
    this.take(offsetMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.handle.setLockedRead(undefined);
    await this.listener?.end().catch(() => undefined);
  }

  private take(offsetMs: number): void {
    if (offsetMs === this.offset) return;
    this.offset = offsetMs;
    this.stamp += 1;
  }

  private async refresh(): Promise<void> {
    this.take(await findTestClockOffset(this.handle.db, this.businessId));
  }

  private async listen(): Promise<void> {
    const client = this.handle.listener();
    this.listener = client;
    const again = () => {
      if (this.closed || this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      this.retry = setTimeout(() => void this.listen().catch(again), 1000);
      this.retry.unref();
    };
    client.on('error', again);
    client.on('end', again);
    client.on('notification', (message) => {
      if (message.channel === CLOCK_CHANNEL && message.payload === this.handle.schema) void this.refresh().catch(() => undefined);
    });
    await client.connect();
    await client.query(`LISTEN ${CLOCK_CHANNEL}`);
    // Read after listening: an advance committed before LISTEN is in this read, one after it is announced.
    await this.refresh();
  }
}
