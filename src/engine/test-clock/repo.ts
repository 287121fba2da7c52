import type { Db } from '../db/database.js';

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
