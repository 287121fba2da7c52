import type { Db } from '../db/database.js';
import type { CheckoutSessionsTable } from '../db/schema.js';
import type { CheckoutStatus, StoredRequest, StoredSession } from './types.js';

function toSession(row: CheckoutSessionsTable): StoredSession {
  return {
    session_id: row.session_id,
    status: row.status as CheckoutStatus,
    request: JSON.parse(row.request) as StoredRequest,
    product_collection_id: row.product_collection_id,
    selected_product_id: row.selected_product_id,
    customer_id: row.customer_id,
    discount_id: row.discount_id,
    payment_id: row.payment_id,
    subscription_id: row.subscription_id,
    expires_at: row.expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function findSession(db: Db, businessId: string, sessionId: string): Promise<StoredSession | undefined> {
  const row = await db
    .selectFrom('checkout_sessions')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  return row && toSession(row);
}

export async function insertSession(db: Db, businessId: string, session: StoredSession): Promise<void> {
  await db
    .insertInto('checkout_sessions')
    .values({ ...session, business_id: businessId, request: JSON.stringify(session.request) })
    .execute();
}

export type SessionChanges = Partial<
  Pick<StoredSession, 'status' | 'request' | 'selected_product_id' | 'customer_id' | 'discount_id' | 'payment_id' | 'subscription_id' | 'updated_at'>
>;

export async function updateSession(db: Db, sessionId: string, changes: SessionChanges): Promise<void> {
  const { request, ...columns } = changes;
  await db
    .updateTable('checkout_sessions')
    .set({ ...columns, ...(request !== undefined && { request: JSON.stringify(request) }) })
    .where('session_id', '=', sessionId)
    .execute();
}
