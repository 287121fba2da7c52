import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import { cachedRead, forgetCachedReads } from '../db/read-cache.js';
import type { BrandsTable } from '../db/schema.js';
import type { PageWindow } from '../shared/paging.js';
import { fromFlag } from '../shared/flags.js';
import type { Brand } from './types.js';

function toBrand(row: BrandsTable): Brand {
  return {
    brand_id: row.brand_id,
    business_id: row.business_id,
    name: row.name,
    description: row.description,
    url: row.url,
    image: row.image,
    statement_descriptor: row.statement_descriptor,
    support_email: row.support_email,
    enabled: fromFlag(row.enabled),
    verification_status: row.verification_status,
    is_primary: fromFlag(row.is_primary),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** One brand; read once per due-work batch (db/read-cache.ts), as every renewal's invoice names it. */
export async function findBrand(db: Db, businessId: string, brandId: string): Promise<Brand | undefined> {
  return cachedRead(db, `brand:${businessId}:${brandId}`, async () => {
    const row = await db.selectFrom('brands').selectAll().where('business_id', '=', businessId).where('brand_id', '=', brandId).executeTakeFirst();
    return row && toBrand(row);
  });
}

export async function findPrimaryBrandId(db: Db, businessId: string): Promise<string | undefined> {
  const row = await db.selectFrom('brands').select('brand_id').where('business_id', '=', businessId).where('is_primary', '=', 1).executeTakeFirst();
  return row?.brand_id;
}

export async function listBrands(db: Db, businessId: string, window: PageWindow): Promise<Brand[]> {
  const rows = await db
    .selectFrom('brands')
    .selectAll()
    .where('business_id', '=', businessId)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at')
    .orderBy('brand_id')
    .limit(window.fetch)
    .offset(window.offset)
    .execute();
  return rows.map(toBrand);
}

export async function insertBrand(db: Db, row: BrandsTable): Promise<void> {
  forgetCachedReads(db);
  await db.insertInto('brands').values(row).execute();
}

export async function updateBrandRow(
  db: Db,
  brandId: string,
  changes: Partial<Omit<BrandsTable, 'brand_id' | 'business_id' | 'is_primary' | 'created_at'>>,
): Promise<void> {
  forgetCachedReads(db);
  await db.updateTable('brands').set(changes).where('brand_id', '=', brandId).execute();
}
