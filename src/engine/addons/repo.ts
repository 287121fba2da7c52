import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import { cachedRead, forgetCachedReads } from '../db/read-cache.js';
import type { AddonsTable } from '../db/schema.js';
import type { Currency } from '../money.js';
import type { TaxCategory } from '../rules/tax-categories.js';
import type { PageWindow } from '../shared/paging.js';
import type { Addon } from './types.js';

function toAddon(row: AddonsTable): Addon {
  return {
    addon_id: row.addon_id,
    business_id: row.business_id,
    name: row.name,
    description: row.description,
    price: row.price,
    currency: row.currency as Currency,
    tax_category: row.tax_category as TaxCategory,
    image: row.image,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** Addons by id, in no particular order; read once per due-work batch (db/read-cache.ts). */
export async function findAddons(db: Db, businessId: string, addonIds: readonly string[]): Promise<Addon[]> {
  if (addonIds.length === 0) return [];
  return cachedRead(db, `addons:${businessId}:${addonIds.join(',')}`, async () => {
    const rows = await db.selectFrom('addons').selectAll().where('business_id', '=', businessId).where('addon_id', 'in', addonIds).execute();
    return rows.map(toAddon);
  });
}

export async function listAddons(db: Db, businessId: string, window: PageWindow): Promise<Addon[]> {
  const rows = await db
    .selectFrom('addons')
    .selectAll()
    .where('business_id', '=', businessId)
    .orderBy('created_at')
    .orderBy('addon_id')
    .limit(window.fetch)
    .offset(window.offset)
    .execute();
  return rows.map(toAddon);
}

export async function insertAddon(db: Db, row: AddonsTable): Promise<void> {
  forgetCachedReads(db);
  await db.insertInto('addons').values(row).execute();
}

export async function updateAddonRow(
  db: Db,
  addonId: string,
  changes: Partial<Omit<AddonsTable, 'addon_id' | 'business_id' | 'created_at'>>,
): Promise<void> {
  forgetCachedReads(db);
  await db.updateTable('addons').set(changes).where('addon_id', '=', addonId).execute();
}

/** Currencies of the subscription products an addon is attached to: its currency must stay theirs. */
export async function attachedProductCurrencies(db: Db, addonId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('product_addons')
    .innerJoin('products', 'products.product_id', 'product_addons.product_id')
    .select('products.currency')
    .distinct()
    .where('product_addons.addon_id', '=', addonId)
    .execute();
  return rows.map((r) => r.currency);
}
