import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import { cachedRead, forgetCachedReads } from '../db/read-cache.js';
import type { MetersTable } from '../db/schema.js';
import { fromFlag } from '../shared/flags.js';
import type { PageWindow } from '../shared/paging.js';
import type { AggregationType, Meter, MeterFilter, MeterListFilter } from './types.js';

export function toMeter(row: MetersTable): Meter {
  return {
    meter_id: row.meter_id,
    business_id: row.business_id,
    name: row.name,
    description: row.description,
    event_name: row.event_name,
    measurement_unit: row.measurement_unit,
    aggregation: { type: row.aggregation_type as AggregationType, key: row.aggregation_key },
    filter: row.filter === null ? null : (JSON.parse(row.filter) as MeterFilter),
    archived: fromFlag(row.archived),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export async function findMeter(db: Db, businessId: string, meterId: string): Promise<Meter | undefined> {
  const row = await db.selectFrom('meters').selectAll().where('business_id', '=', businessId).where('meter_id', '=', meterId).executeTakeFirst();
  return row && toMeter(row);
}

/** Meters by id, in no particular order; read once per due-work batch (db/read-cache.ts). */
export async function findMeters(db: Db, businessId: string, meterIds: readonly string[]): Promise<Meter[]> {
  if (meterIds.length === 0) return [];
  return cachedRead(db, `meters:${businessId}:${meterIds.join(',')}`, async () => {
    const rows = await db.selectFrom('meters').selectAll().where('business_id', '=', businessId).where('meter_id', 'in', meterIds).execute();
    return rows.map(toMeter);
  });
}

export async function listMeters(db: Db, businessId: string, filter: MeterListFilter, window: PageWindow): Promise<Meter[]> {
  const rows = await db
    .selectFrom('meters')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('archived', '=', filter.archived ? 1 : 0)
    .orderBy('created_at')
    .orderBy('meter_id')
    .limit(window.fetch)
    .offset(window.offset)
    .execute();
  return rows.map(toMeter);
}

export async function countMeters(db: Db, businessId: string): Promise<number> {
  const row = await db
    .selectFrom('meters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('business_id', '=', businessId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertMeter(db: Db, row: MetersTable): Promise<void> {
  forgetCachedReads(db);
  await db.insertInto('meters').values(row).execute();
}

export async function setMeterArchived(db: Db, meterId: string, archived: 0 | 1, now: number): Promise<void> {
  forgetCachedReads(db);
  await db.updateTable('meters').set({ archived, updated_at: now }).where('meter_id', '=', meterId).execute();
}
