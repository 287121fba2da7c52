import type { Db } from '../db/database.js';
import { BillingError, notFound } from '../errors.js';
import type { Payment } from '../payments/types.js';
import type { Scope } from '../scope.js';
import { toFlag } from '../shared/flags.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { type IssuableLine, issueLicenseKeys } from './issue.js';
import {
  deleteLicenseKeyInstance,
  findLicenseKeyById,
  findLicenseKeyByKey,
  findLicenseKeyInstance,
  findLicenseKeyOwners,
  insertLicenseKeyInstance,
  listLicenseKeyInstances,
  listLicenseKeys,
  renameLicenseKeyInstance,
  type StoredLicenseKey,
  updateLicenseKeyRow,
} from './repo.js';
import { checkActivationCapacity, checkActivationsLimit, checkInstanceName, invalidReason, normalizeLicenseKey } from './rules.js';
import type {
  ActivatedInstance,
  ActivateLicenseInput,
  DeactivateLicenseInput,
  LicenseKey,
  LicenseKeyFilter,
  LicenseKeyInstance,
  LicenseKeyInstanceFilter,
  LicenseKeyUpdate,
  LicenseValidation,
  ValidateLicenseInput,
} from './types.js';
import { factsOf, toInstance, toLicenseKey } from './view.js';
import { parseInstant } from '../shared/instants.js';

/**
 * License keys (SPEC §1.16, §2.10). Keys are issued by the charge pipeline (issue.ts); this service
 * validates, activates and deactivates them — the three public operations apps call — and reads and
 * updates them for the merchant. Status is derived at the clock's now, so the test clock expires keys.
 */
export class LicenseService {
  constructor(private readonly scope: Scope) {}

  /**
   * Issues the keys a succeeded payment buys (see issue.ts), in the payment's transaction: the charge
   * pipeline calls it on the charge's scope (`tx.licenses.issueFor`).
   */
  issueFor(payment: Payment, lines: readonly IssuableLine[]): Promise<void> {
    return issueLicenseKeys(this.scope, payment, lines);
  }

  /**
   * valid iff the key exists, is not disabled, is unexpired, its subscription (if any) has not ended, and
   * the instance (when given) is one of its activations. An unknown key is `{valid: false, reason:
   * 'unknown'}`, never an error (D10).
   */
  async validate(input: ValidateLicenseInput): Promise<LicenseValidation> {
    const stored = await findLicenseKeyByKey(this.scope.db, this.scope.businessId, normalizeLicenseKey(input.license_key));
    if (!stored) return { valid: false, reason: 'unknown' };
    const now = this.scope.clock.now();
    const license_key = toLicenseKey(stored, now);
    const reason = invalidReason(factsOf(stored), now);
    if (reason !== null) return { valid: false, reason, license_key };
    if (input.license_key_instance_id !== undefined) {
      const instance = await findLicenseKeyInstance(this.scope.db, this.scope.businessId, input.license_key_instance_id);
      if (instance?.license_key_id !== stored.license_key_id) return { valid: false, reason: 'instance_not_found', license_key };
    }
    return { valid: true, license_key };
  }

  /**
   * Activates the key on one more device or seat: unknown → LICENSE_KEY_NOT_FOUND, not active →
   * INACTIVE_LICENSE_KEY, limit reached → LICENSE_KEY_LIMIT_REACHED; else the instance is created and
   * instances_count goes up by one, in one transaction.
   */
  async activate(input: ActivateLicenseInput): Promise<ActivatedInstance> {
    const name = checkInstanceName(input.name);
    return this.scope.transaction(async (tx) => {
      const stored = await this.requireByKey(tx.db, input.license_key);
      const now = tx.clock.now();
      const reason = invalidReason(factsOf(stored), now);
      if (reason !== null) {
        throw new BillingError(
          'INACTIVE_LICENSE_KEY',
          `license key ${stored.key} is ${reason === 'subscription_inactive' ? 'expired: its subscription has ended' : reason}`,
          'get_license_key shows its status; update_license_key can re-enable it or move expires_at',
        );
      }
      checkActivationCapacity(stored);
      const owners = await findLicenseKeyOwners(tx.db, stored.license_key_id);
      if (!owners) throw new Error(`license key ${stored.license_key_id} has no product or customer`);
      const id = tx.ids.next('licenseKeyInstance');
      const row = {
        license_key_instance_id: id,
        license_key_id: stored.license_key_id,
        business_id: tx.businessId,
        name,
        created_at: now,
        updated_at: now,
      };
      await insertLicenseKeyInstance(tx.db, row);
      await updateLicenseKeyRow(tx.db, stored.license_key_id, { instances_count: stored.instances_count + 1, updated_at: now });
      return {
        ...toInstance(row),
        product: { product_id: owners.product_id, name: owners.product_name },
        customer: { customer_id: owners.customer_id, email: owners.customer_email, name: owners.customer_name },
      };
    });
  }

  /** Removes an instance and frees its slot; allowed on disabled and expired keys too (SPEC §2.10). */
  async deactivate(input: DeactivateLicenseInput): Promise<void> {
    await this.scope.transaction(async (tx) => {
      const stored = await this.requireByKey(tx.db, input.license_key);
      const instance = await findLicenseKeyInstance(tx.db, tx.businessId, input.license_key_instance_id);
      if (instance?.license_key_id !== stored.license_key_id) {
        throw new BillingError(
          'LICENSE_KEY_NOT_FOUND',
          `license key ${stored.key} has no instance ${input.license_key_instance_id}`,
          'list_license_key_instances shows the instances of a key',
        );
      }
      await deleteLicenseKeyInstance(tx.db, instance.license_key_instance_id);
      await updateLicenseKeyRow(tx.db, stored.license_key_id, {
        instances_count: Math.max(0, stored.instances_count - 1),
        updated_at: tx.clock.now(),
      });
    });
  }

  async get(licenseKeyId: string): Promise<LicenseKey> {
    return toLicenseKey(await this.requireById(this.scope.db, licenseKeyId), this.scope.clock.now());
  }

  async list(filter: LicenseKeyFilter = {}, page: PageRequest = {}): Promise<Page<LicenseKey>> {
    const window = pageWindow(page);
    const now = this.scope.clock.now();
    const rows = await listLicenseKeys(this.scope.db, this.scope.businessId, filter, now, window);
    return toPage(
      window,
      rows.map((row) => toLicenseKey(row, now)),
    );
  }

  /**
   * activations_limit: not below instances_count (ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT), null =
   * unlimited; disabled: true → disabled, false → active again (or expired); expires_at: an ISO instant or
   * null for never, refused on subscription keys (NO_EXPIRY_ON_SUBSCRIPTION_LICENSE_KEYS).
   */
  async update(licenseKeyId: string, update: LicenseKeyUpdate): Promise<LicenseKey> {
    return this.scope.transaction(async (tx) => {
      const stored = await this.requireById(tx.db, licenseKeyId);
      if (update.activations_limit !== undefined) checkActivationsLimit(update.activations_limit, stored.instances_count);
      if (update.expires_at !== undefined && stored.subscription_id !== null) {
        throw new BillingError(
          'NO_EXPIRY_ON_SUBSCRIPTION_LICENSE_KEYS',
          `license key ${licenseKeyId} belongs to subscription ${stored.subscription_id} and expires with it`,
          'cancel the subscription to end the key, or disable the key',
        );
      }
      const expires_at =
        update.expires_at === undefined || update.expires_at === null
          ? update.expires_at
          : parseInstant('expires_at', update.expires_at, 'send e.g. 2026-01-01T00:00:00Z, or null for never');
      await updateLicenseKeyRow(tx.db, licenseKeyId, {
        ...(update.activations_limit !== undefined && { activations_limit: update.activations_limit }),
        ...(update.disabled !== undefined && { disabled: toFlag(update.disabled) }),
        ...(expires_at !== undefined && { expires_at }),
        updated_at: tx.clock.now(),
      });
      return tx.licenses.get(licenseKeyId);
    });
  }

  async getInstance(instanceId: string): Promise<LicenseKeyInstance> {
    const row = await findLicenseKeyInstance(this.scope.db, this.scope.businessId, instanceId);
    if (!row) throw notFound('license key instance', instanceId, 'list_license_key_instances');
    return toInstance(row);
  }

  async listInstances(filter: LicenseKeyInstanceFilter = {}, page: PageRequest = {}): Promise<Page<LicenseKeyInstance>> {
    const window = pageWindow(page);
    const rows = await listLicenseKeyInstances(this.scope.db, this.scope.businessId, filter.license_key_id, window);
    return toPage(window, rows.map(toInstance));
  }

  async updateInstance(instanceId: string, update: { name: string }): Promise<LicenseKeyInstance> {
    const name = checkInstanceName(update.name);
    return this.scope.transaction(async (tx) => {
      await tx.licenses.getInstance(instanceId);
      await renameLicenseKeyInstance(tx.db, instanceId, name, tx.clock.now());
      return tx.licenses.getInstance(instanceId);
    });
  }

  private async requireByKey(db: Db, licenseKey: string): Promise<StoredLicenseKey> {
    const stored = await findLicenseKeyByKey(db, this.scope.businessId, normalizeLicenseKey(licenseKey));
    if (!stored)
      throw new BillingError(
        'LICENSE_KEY_NOT_FOUND',
        'no license key matches the one given',
        'check the key as issued; list_license_keys shows the keys',
      );
    return stored;
  }

  private async requireById(db: Db, licenseKeyId: string): Promise<StoredLicenseKey> {
    const stored = await findLicenseKeyById(db, this.scope.businessId, licenseKeyId);
    if (!stored) throw notFound('license key', licenseKeyId, 'list_license_keys');
    return stored;
  }
}
