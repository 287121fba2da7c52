import type { Db } from '../db/database.js';
import type { CustomerPortalSessionsTable } from '../db/schema.js';

export type StoredPortalSession = CustomerPortalSessionsTable;

export async function insertPortalSession(db: Db, row: StoredPortalSession): Promise<void> {
  await db.insertInto('customer_portal_sessions').values(row).execute();
}

/** The session whose token hashes to `tokenHash`, in this business. */
export async function findPortalSession(db: Db, businessId: string, tokenHash: string): Promise<StoredPortalSession | undefined> {
  return db
    .selectFrom('customer_portal_sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('business_id', '=', businessId)
    .executeTakeFirst();
}
