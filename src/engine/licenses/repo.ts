import type { Db } from '../db/database.js';
import type { LicenseKeyInstancesTable, LicenseKeysTable } from '../db/schema.js';
import type { PageWindow } from '../shared/paging.js';
import { ENDED_SUBSCRIPTION_STATUSES } from './rules.js';
import type { LicenseKeyStatus } from './types.js';

/** A key row with its subscription's status (null for one-time purchases), which its status depends on. */
export type StoredLicenseKey = LicenseKeysTable & { subscription_status: string | null };

export interface LicenseKeyQuery {
  customer_id?: string | undefined;
  product_id?: string | undefined;
  status?: LicenseKeyStatus | undefined;
  /** The keys one payment issued (a checkout's receipt). */
  payment_id?: string | undefined;
}

function keysWithSubscription(db: Db, businessId: string) {
  return db
    .selectFrom('license_keys')
    .leftJoin('subscriptions', 'subscriptions.subscription_id', 'license_keys.subscription_id')
    .selectAll('license_keys')
    .select('subscriptions.status as subscription_status')
    .where('license_keys.business_id', '=', businessId);
}

export async function insertLicenseKey(db: Db, row: LicenseKeysTable): Promise<void> {
  await db.insertInto('license_keys').values(row).execute();
}

export async function findLicenseKeyById(db: Db, businessId: string, licenseKeyId: string): Promise<StoredLicenseKey | undefined> {
  return keysWithSubscription(db, businessId).where('license_keys.license_key_id', '=', licenseKeyId).executeTakeFirst();
}

export async function findLicenseKeyByKey(db: Db, businessId: string, key: string): Promise<StoredLicenseKey | undefined> {
  return keysWithSubscription(db, businessId).where('license_keys.key', '=', key).executeTakeFirst();
}

export async function subscriptionHasLicenseKey(db: Db, subscriptionId: string): Promise<boolean> {
  const row = await db.selectFrom('license_keys').select('license_key_id').where('subscription_id', '=', subscriptionId).executeTakeFirst();
  return row !== undefined;
}

/** Newest first. The status filter mirrors rules.ts keyStatus in SQL, evaluated at `now`. */
export async function listLicenseKeys(
  db: Db,
  businessId: string,
  query: LicenseKeyQuery,
  now: number,
  window: PageWindow,
): Promise<StoredLicenseKey[]> {
  let select = keysWithSubscription(db, businessId);
  if (query.customer_id !== undefined) select = select.where('license_keys.customer_id', '=', query.customer_id);
  if (query.product_id !== undefined) select = select.where('license_keys.product_id', '=', query.product_id);
  if (query.payment_id !== undefined) select = select.where('license_keys.payment_id', '=', query.payment_id);
  const ended = [...ENDED_SUBSCRIPTION_STATUSES];
  if (query.status === 'disabled') select = select.where('license_keys.disabled', '=', 1);
  if (query.status === 'expired') {
    select = select
      .where('license_keys.disabled', '=', 0)
      .where((eb) => eb.or([eb('license_keys.expires_at', '<=', now), eb('subscriptions.status', 'in', ended)]));
  }
  if (query.status === 'active') {
    select = select
      .where('license_keys.disabled', '=', 0)
      .where((eb) => eb.or([eb('license_keys.expires_at', 'is', null), eb('license_keys.expires_at', '>', now)]))
      .where((eb) => eb.or([eb('subscriptions.status', 'is', null), eb('subscriptions.status', 'not in', ended)]));
  }
  return select
    .orderBy('license_keys.created_at', 'desc')
    .orderBy('license_keys.license_key_id', 'desc')
    .limit(window.fetch)
    .offset(window.offset)
    .execute();
}

export async function updateLicenseKeyRow(
  db: Db,
  licenseKeyId: string,
  patch: Partial<Pick<LicenseKeysTable, 'activations_limit' | 'disabled' | 'expires_at' | 'instances_count' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('license_keys').set(patch).where('license_key_id', '=', licenseKeyId).execute();
}

/** The product and customer an activation names in its answer. */
export async function findLicenseKeyOwners(
  db: Db,
  licenseKeyId: string,
): Promise<{ product_id: string; product_name: string; customer_id: string; customer_email: string; customer_name: string } | undefined> {
  return db
    .selectFrom('license_keys')
    .innerJoin('products', 'products.product_id', 'license_keys.product_id')
    .innerJoin('customers', 'customers.customer_id', 'license_keys.customer_id')
    .select([
      'products.product_id as product_id',
      'products.name as product_name',
      'customers.customer_id as customer_id',
      'customers.email as customer_email',
      'customers.name as customer_name',
    ])
    .where('license_keys.license_key_id', '=', licenseKeyId)
    .executeTakeFirst();
}

export async function insertLicenseKeyInstance(db: Db, row: LicenseKeyInstancesTable): Promise<void> {
  await db.insertInto('license_key_instances').values(row).execute();
}

export async function findLicenseKeyInstance(db: Db, businessId: string, instanceId: string): Promise<LicenseKeyInstancesTable | undefined> {
  return db
    .selectFrom('license_key_instances')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('license_key_instance_id', '=', instanceId)
    .executeTakeFirst();
}

/** Oldest first, so activation order reads top to bottom. */
export async function listLicenseKeyInstances(
  db: Db,
  businessId: string,
  licenseKeyId: string | undefined,
  window: PageWindow,
): Promise<LicenseKeyInstancesTable[]> {
  let select = db.selectFrom('license_key_instances').selectAll().where('business_id', '=', businessId);
  if (licenseKeyId !== undefined) select = select.where('license_key_id', '=', licenseKeyId);
  return select.orderBy('created_at', 'asc').orderBy('license_key_instance_id', 'asc').limit(window.fetch).offset(window.offset).execute();
}

export async function renameLicenseKeyInstance(db: Db, instanceId: string, name: string, now: number): Promise<void> {
  await db.updateTable('license_key_instances').set({ name, updated_at: now }).where('license_key_instance_id', '=', instanceId).execute();
}

export async function deleteLicenseKeyInstance(db: Db, instanceId: string): Promise<void> {
  await db.deleteFrom('license_key_instances').where('license_key_instance_id', '=', instanceId).execute();
}
