import { addInterval } from '../calendar.js';
import { recordEvent } from '../events/outbox.js';
import { randomLicenseKey } from '../ids.js';
import type { Payment } from '../payments/types.js';
import type { LineKind } from '../pricing/types.js';
import type { Scope } from '../scope.js';
import { findLicenseKeyById, insertLicenseKey, subscriptionHasLicenseKey } from './repo.js';
import { toLicenseKey } from './view.js';

/** A charged line as issuing reads it: product lines carry their product id. */
export interface IssuableLine {
  kind: LineKind;
  product_id: string;
}

/**
 * Issues the license keys a succeeded payment buys (SPEC §2.10, D10), inside its transaction: one key per
 * product line of a license_key_enabled product, whatever the quantity (3 × Pro is one key), each with the
 * product's activations_limit and expires_at = now + license_key_duration (null: never) and a
 * `license_key.created` event. A subscription gets its key with its first succeeded payment only; renewals,
 * plan changes and recoveries find the key already there, and it follows the subscription from then on
 * (no expires_at of its own).
 */
export async function issueLicenseKeys(tx: Scope, payment: Payment, lines: readonly IssuableLine[]): Promise<void> {
  if (!tx.db.isTransaction) throw new Error('issueLicenseKeys must run inside the transaction of the payment it issues for');
  const productLines = lines.filter((line) => line.kind === 'product');
  if (productLines.length === 0) return;
  const products = new Map((await tx.products.findMany([...new Set(productLines.map((l) => l.product_id))])).map((p) => [p.product_id, p]));
  // No license-enabled product, nothing to issue (most renewals; the products are cached in a due-work batch).
  if (!productLines.some((line) => products.get(line.product_id)?.license_key_enabled)) return;
  const subscriptionId = payment.subscription_id;
  if (subscriptionId !== null && (await subscriptionHasLicenseKey(tx.db, subscriptionId))) return;
  const now = tx.clock.now();
  for (const line of productLines) {
    const product = products.get(line.product_id);
    if (!product?.license_key_enabled) continue;
    const duration = product.license_key_duration;
    const license_key_id = tx.ids.next('licenseKey');
    await insertLicenseKey(tx.db, {
      license_key_id,
      business_id: tx.businessId,
      key: randomLicenseKey(),
      customer_id: payment.customer.customer_id,
      product_id: product.product_id,
      payment_id: payment.payment_id,
      subscription_id: subscriptionId,
      disabled: 0,
      activations_limit: product.license_key_activations_limit,
      instances_count: 0,
      expires_at: subscriptionId === null && duration !== null ? addInterval(now, duration.count, duration.interval) : null,
      source: 'auto',
      created_at: now,
      updated_at: now,
    });
    const stored = await findLicenseKeyById(tx.db, tx.businessId, license_key_id);
    if (!stored) throw new Error(`license key ${license_key_id} vanished inside its own transaction`);
    const key = toLicenseKey(stored, now);
    await recordEvent(tx, { type: 'license_key.created', objectId: license_key_id, payload: { payload_type: 'LicenseKey', ...key } });
    if (subscriptionId !== null) return;
  }
}
