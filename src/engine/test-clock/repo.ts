import type SQLite from 'better-sqlite3';
import type { StoredOffset } from '../clock.js';
import type { Db } from '../db/database.js';
import { writeLockStateOf } from '../db/write-lock.js';

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
