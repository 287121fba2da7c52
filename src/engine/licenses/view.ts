import { iso } from '../clock.js';
import type { LicenseKeyInstancesTable } from '../db/schema.js';
import { fromFlag } from '../shared/flags.js';
import type { StoredLicenseKey } from './repo.js';
import { keyStatus } from './rules.js';
import type { LicenseKey, LicenseKeyInstance } from './types.js';

/** The API shape of a stored key, its status evaluated at `now`. */
export function toLicenseKey(row: StoredLicenseKey, now: number): LicenseKey {
  return {
    id: row.license_key_id,
    key: row.key,
    business_id: row.business_id,
    customer_id: row.customer_id,
    product_id: row.product_id,
    payment_id: row.payment_id,
    subscription_id: row.subscription_id,
    status: keyStatus(factsOf(row), now),
    activations_limit: row.activations_limit,
    instances_count: row.instances_count,
    expires_at: row.expires_at === null ? null : iso(row.expires_at),
    source: row.source === 'import' ? 'import' : 'auto',
    created_at: iso(row.created_at),
  };
}

export function factsOf(row: StoredLicenseKey) {
  return { disabled: fromFlag(row.disabled), expires_at: row.expires_at, subscription_status: row.subscription_status };
}

export function toInstance(row: LicenseKeyInstancesTable): LicenseKeyInstance {
  return {
    id: row.license_key_instance_id,
    license_key_id: row.license_key_id,
    name: row.name,
    business_id: row.business_id,
    created_at: iso(row.created_at),
  };
}
