import type { Db } from '../db/database.js';
import { reusableQuery } from '../db/reusable.js';

/** A scheduled plan change as stored (SPEC §2.4 effective_at=next_billing_date). */
export interface StoredScheduledChange {
  change_id: string;
  subscription_id: string;
  product_id: string;
  quantity: number;
  addons: Array<{ addon_id: string; quantity: number }>;
  /** The discount the subscription carries after the switch (kept, replaced or dropped when scheduled). */
  discount_id: string | null;
  effective_at: number;
  status: ScheduledChangeStatus;
  created_at: number;
  updated_at: number;
}

export type ScheduledChangeStatus = 'pending' | 'applied' | 'cancelled';

export async function insertScheduledChange(db: Db, change: StoredScheduledChange): Promise<void> {
  await db
    .insertInto('scheduled_plan_changes')
    .values({ ...change, addons: JSON.stringify(change.addons) })
    .execute();
}

/** The subscription's pending change (at most one is ever pending), or undefined. */
export async function findPendingChange(db: Db, subscriptionId: string): Promise<StoredScheduledChange | undefined> {
  const [row] = (await selectPendingChange(db, subscriptionId)).rows;
  if (!row) return undefined;
  return {
    change_id: row.change_id,
    subscription_id: row.subscription_id,
    product_id: row.product_id,
    quantity: row.quantity,
    addons: JSON.parse(row.addons) as StoredScheduledChange['addons'],
    discount_id: row.discount_id,
    effective_at: Number(row.effective_at),
    status: row.status as ScheduledChangeStatus,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

// Every renewal asks (SPEC §3 G), so it is compiled once (db/reusable.ts).
const selectPendingChange = reusableQuery((db: Db, subscriptionId: string) =>
  db
    .selectFrom('scheduled_plan_changes')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .orderBy('created_at', 'desc')
    .orderBy('change_id', 'desc'),
);

export async function setScheduledChangeStatus(db: Db, changeId: string, status: ScheduledChangeStatus, now: number): Promise<void> {
  await db.updateTable('scheduled_plan_changes').set({ status, updated_at: now }).where('change_id', '=', changeId).execute();
}

/** Row counts of the scheduled-change table, for tests that check a preview or a refusal wrote nothing. */
export async function countScheduledChanges(db: Db): Promise<number> {
  const row = await db
    .selectFrom('scheduled_plan_changes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
