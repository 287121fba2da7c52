import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import type { CollectionGroupsTable, CollectionItemsTable, CollectionsTable } from '../db/schema.js';
import { fromFlag } from '../shared/flags.js';
import type { PageWindow } from '../shared/paging.js';
import type { EffectiveAt, OnPaymentFailure, ProrationBillingMode } from '../rules/plan-change-modes.js';
import type { Collection, CollectionFilter, CollectionGroup } from './types.js';

function toCollection(row: CollectionsTable, groups: CollectionGroup[]): Collection {
  return {
    collection_id: row.collection_id,
    business_id: row.business_id,
    brand_id: row.brand_id,
    name: row.name,
    description: row.description,
    image: row.image,
    archived: fromFlag(row.archived),
    allow_upgrades: fromFlag(row.allow_upgrades),
    allow_downgrades: fromFlag(row.allow_downgrades),
    force_same_billing_interval: fromFlag(row.force_same_billing_interval),
    proration_billing_mode_on_upgrade: row.proration_billing_mode_on_upgrade as ProrationBillingMode | null,
    proration_billing_mode_on_downgrade: row.proration_billing_mode_on_downgrade as ProrationBillingMode | null,
    effective_at_on_upgrade: row.effective_at_on_upgrade as EffectiveAt | null,
    effective_at_on_downgrade: row.effective_at_on_downgrade as EffectiveAt | null,
    on_payment_failure: row.on_payment_failure as OnPaymentFailure | null,
    groups,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** The groups of each collection with their items, both in display order (position, then id). */
async function groupsByCollection(db: Db, collectionIds: readonly string[]): Promise<Map<string, CollectionGroup[]>> {
  const byCollection = new Map<string, CollectionGroup[]>();
  if (collectionIds.length === 0) return byCollection;
  const groupRows = await db
    .selectFrom('collection_groups')
    .selectAll()
    .where('collection_id', 'in', collectionIds)
    .orderBy('collection_id')
    .orderBy('position')
    .orderBy('group_id')
    .execute();
  const itemRows = await db
    .selectFrom('collection_items')
    .innerJoin('collection_groups', 'collection_groups.group_id', 'collection_items.group_id')
    .select(['collection_items.item_id', 'collection_items.group_id', 'collection_items.product_id', 'collection_items.enabled'])
    .where('collection_groups.collection_id', 'in', collectionIds)
    .orderBy('collection_items.group_id')
    .orderBy('collection_items.position')
    .orderBy('collection_items.item_id')
    .execute();
  const groups = new Map<string, CollectionGroup>();
  for (const row of groupRows) {
    const group: CollectionGroup = {
      group_id: row.group_id,
      group_name: row.group_name,
      status: fromFlag(row.enabled),
      products: [],
    };
    groups.set(row.group_id, group);
    byCollection.set(row.collection_id, [...(byCollection.get(row.collection_id) ?? []), group]);
  }
  for (const row of itemRows) {
    groups.get(row.group_id)?.products.push({
      item_id: row.item_id,
      product_id: row.product_id,
      status: fromFlag(row.enabled),
    });
  }
  return byCollection;
}

export async function findCollection(db: Db, businessId: string, collectionId: string): Promise<Collection | undefined> {
  const row = await db
    .selectFrom('collections')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('collection_id', '=', collectionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const groups = await groupsByCollection(db, [collectionId]);
  return toCollection(row, groups.get(collectionId) ?? []);
}

export async function listCollections(db: Db, businessId: string, filter: CollectionFilter, window: PageWindow): Promise<Collection[]> {
  let query = db
    .selectFrom('collections')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('archived', '=', filter.archived ? 1 : 0);
  if (filter.brand_id !== undefined) query = query.where('brand_id', '=', filter.brand_id);
  const rows = await query.orderBy('created_at').orderBy('collection_id').limit(window.fetch).offset(window.offset).execute();
  const groups = await groupsByCollection(
    db,
    rows.map((r) => r.collection_id),
  );
  return rows.map((row) => toCollection(row, groups.get(row.collection_id) ?? []));
}

export async function insertCollection(db: Db, row: CollectionsTable): Promise<void> {
  await db.insertInto('collections').values(row).execute();
}

export async function updateCollectionRow(
  db: Db,
  collectionId: string,
  changes: Partial<Omit<CollectionsTable, 'collection_id' | 'business_id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('collections').set(changes).where('collection_id', '=', collectionId).execute();
}

/** The position after the collection's last group: 0 for the first group, gaps left by deletes kept. */
export async function nextGroupPosition(db: Db, collectionId: string): Promise<number> {
  const row = await db
    .selectFrom('collection_groups')
    .select((eb) => eb.fn.max('position').as('last'))
    .where('collection_id', '=', collectionId)
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

export async function nextItemPosition(db: Db, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('collection_items')
    .select((eb) => eb.fn.max('position').as('last'))
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

export async function insertGroup(db: Db, row: CollectionGroupsTable): Promise<void> {
  await db.insertInto('collection_groups').values(row).execute();
}

export async function updateGroupRow(
  db: Db,
  groupId: string,
  changes: Partial<Pick<CollectionGroupsTable, 'group_name' | 'enabled' | 'position'>>,
): Promise<void> {
  // An UPDATE with no columns is invalid SQL: a reorder-only change touches nothing here.
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('collection_groups').set(changes).where('group_id', '=', groupId).execute();
}

export async function deleteGroup(db: Db, groupId: string): Promise<void> {
  await db.deleteFrom('collection_items').where('group_id', '=', groupId).execute();
  await db.deleteFrom('collection_groups').where('group_id', '=', groupId).execute();
}

export async function insertItems(db: Db, rows: readonly CollectionItemsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('collection_items')
    .values([...rows])
    .execute();
}

export async function updateItemRow(db: Db, itemId: string, changes: Partial<Pick<CollectionItemsTable, 'enabled' | 'position'>>): Promise<void> {
  await db.updateTable('collection_items').set(changes).where('item_id', '=', itemId).execute();
}

export async function deleteItem(db: Db, itemId: string): Promise<void> {
  await db.deleteFrom('collection_items').where('item_id', '=', itemId).execute();
}

/** Rewrites positions 0, 1, 2 … in the order given. */
export async function setGroupPositions(db: Db, groupIds: readonly string[]): Promise<void> {
  for (const [position, groupId] of groupIds.entries()) await updateGroupRow(db, groupId, { position });
}

export async function setItemPositions(db: Db, itemIds: readonly string[]): Promise<void> {
  for (const [position, itemId] of itemIds.entries()) await updateItemRow(db, itemId, { position });
}

/**
 * Live (unarchived) collections of the business that hold the product in any group: a
 * subscription bought outside a collection belongs to the one collection holding its product (SPEC D7).
 */
export async function liveCollectionIdsHolding(db: Db, businessId: string, productId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('collection_items')
    .innerJoin('collection_groups', 'collection_groups.group_id', 'collection_items.group_id')
    .innerJoin('collections', 'collections.collection_id', 'collection_groups.collection_id')
    .select('collections.collection_id')
    .distinct()
    .where('collections.business_id', '=', businessId)
    .where('collections.archived', '=', 0)
    .where('collection_items.product_id', '=', productId)
    .orderBy('collections.collection_id')
    .execute();
  return rows.map((r) => r.collection_id);
}
