import { sql } from 'kysely';
import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import type { DiscountsTable } from '../db/schema.js';
import { fromFlag } from '../shared/flags.js';
import { parseMetadata } from '../shared/metadata.js';
import type { PageWindow } from '../shared/paging.js';
import type { Discount, DiscountType } from './types.js';

function toDiscount(row: DiscountsTable): Discount {
  return {
    discount_id: row.discount_id,
    business_id: row.business_id,
    name: row.name,
    code: row.code,
    type: row.type as DiscountType,
    amount: row.amount,
    usage_limit: row.usage_limit,
    times_used: row.times_used,
    expires_at: row.expires_at === null ? null : iso(row.expires_at),
    restricted_to: JSON.parse(row.restricted_to) as string[],
    subscription_cycles: row.subscription_cycles,
    preserve_on_plan_change: fromFlag(row.preserve_on_plan_change),
    metadata: parseMetadata(row.metadata),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** A discount with its row's expiry in epoch ms, for rules that compare it with the clock. */
export interface StoredDiscount {
  discount: Discount;
  expires_at_ms: number | null;
  deleted_at_ms: number | null;
}

function toStored(row: DiscountsTable): StoredDiscount {
  return {
    discount: toDiscount(row),
    expires_at_ms: row.expires_at,
    deleted_at_ms: row.deleted_at,
  };
}

/** By id, deleted or not: the caller decides whether a deleted discount counts. */
export async function findDiscount(db: Db, businessId: string, discountId: string): Promise<StoredDiscount | undefined> {
  const row = await db
    .selectFrom('discounts')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('discount_id', '=', discountId)
    .executeTakeFirst();
  return row ? toStored(row) : undefined;
}

/** The live (not deleted) discount holding an upper-case code; at most one exists. */
export async function findLiveDiscountByCode(db: Db, businessId: string, code: string): Promise<StoredDiscount | undefined> {
  const row = await db
    .selectFrom('discounts')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('code', '=', code)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? toStored(row) : undefined;
}

export async function listLiveDiscounts(db: Db, businessId: string, filter: { code?: string | undefined }, window: PageWindow): Promise<Discount[]> {
  let query = db.selectFrom('discounts').selectAll().where('business_id', '=', businessId).where('deleted_at', 'is', null);
  if (filter.code !== undefined) query = query.where('code', '=', filter.code);
  const rows = await query.orderBy('created_at').orderBy('discount_id').limit(window.fetch).offset(window.offset).execute();
  return rows.map(toDiscount);
}

export async function insertDiscount(db: Db, row: DiscountsTable): Promise<void> {
  await db.insertInto('discounts').values(row).execute();
}

export async function updateDiscountRow(
  db: Db,
  discountId: string,
  changes: Partial<Omit<DiscountsTable, 'discount_id' | 'business_id' | 'created_at' | 'times_used'>>,
): Promise<void> {
  await db.updateTable('discounts').set(changes).where('discount_id', '=', discountId).execute();
}

/** times_used + 1 in one statement, so two purchases committing one after the other both count. */
export async function incrementTimesUsed(db: Db, discountId: string, now: number): Promise<void> {
  await db
    .updateTable('discounts')
    .set({ times_used: sql<number>`times_used + 1`, updated_at: now })
    .where('discount_id', '=', discountId)
    .execute();
}
