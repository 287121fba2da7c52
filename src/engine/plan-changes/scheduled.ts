import { unitPriceOf } from '../rules/subscription-plan.js';
import type { Scope } from '../scope.js';
import type { StoredSubscription } from '../subscriptions/types.js';
import { sameBillingInterval } from './direction.js';
import { emitPlanChanged } from './events.js';
import { findPendingChange, setScheduledChangeStatus } from './repo.js';
import { scheduleAfterChange } from './quote.js';

/**
 * Applies the subscription's pending scheduled plan change if it is due by `at` (effective_at ≤ at), in the
 * caller's transaction (`tx`), and returns the subscription as switched; null when nothing was due. The renewal
 * step calls it before billing, so the new plan is the one billed: Pro → Basic scheduled on 04-11 for 05-01
 * switches on 05-01, `subscription.plan_changed` fires then, and the 05-01 renewal bills 3000 (SPEC §3 G).
 * The new plan takes the catalogue's prices at the switch, as a purchase would; a new billing interval
 * starts at the switch (monthly → yearly on 05-01: next 2026-05-01). The code chosen when the change was
 * scheduled is applied: the same code keeps its cycles left, a new one starts its cycles and counts a use.
 */
export async function applyDueScheduledChange(tx: Scope, subscriptionId: string, at: number): Promise<StoredSubscription | null> {
  if (!tx.db.isTransaction) throw new Error('applyDueScheduledChange must run inside the renewal transaction');
  const change = await findPendingChange(tx.db, subscriptionId);
  if (!change || change.effective_at > at) return null;
  const before = await tx.subscriptions.findStored(subscriptionId);
  if (!before) throw new Error(`subscription ${subscriptionId} with a scheduled change is missing`);
  const product = await tx.products.find(change.product_id);
  if (!product || product.price.type === 'one_time_price') {
    throw new Error(`scheduled change ${change.change_id} names ${change.product_id}, which is not a subscription product`);
  }
  const prices = new Map((await tx.addons.findMany(change.addons.map((a) => a.addon_id))).map((a) => [a.addon_id, a.price]));
  const frequency = {
    payment_frequency_count: product.price.payment_frequency_count,
    payment_frequency_interval: product.price.payment_frequency_interval,
  };
  const schedule = scheduleAfterChange(before, frequency, { resets_cycle: false, interval_changes: !sameBillingInterval(before, frequency) }, at);

  const sameCode = change.discount_id !== null && change.discount_id === before.discount_id;
  const newCode = change.discount_id !== null && !sameCode ? await tx.discounts.get(change.discount_id, { include_deleted: true }) : null;
  const now = tx.clock.now();
  const after: StoredSubscription = {
    ...before,
    ...schedule,
    ...frequency,
    product_id: product.product_id,
    quantity: change.quantity,
    unit_price: unitPriceOf(product),
    addons: change.addons.map((a) => {
      const unit_price = prices.get(a.addon_id);
      if (unit_price === undefined) throw new Error(`scheduled change ${change.change_id} names addon ${a.addon_id}, which is missing`);
      return { addon_id: a.addon_id, quantity: a.quantity, unit_price };
    }),
    tax_inclusive: product.price.tax_inclusive ?? false,
    discount_id: change.discount_id,
    discount_cycles_remaining: sameCode ? before.discount_cycles_remaining : (newCode?.subscription_cycles ?? null),
    updated_at: now,
  };
  const { subscription_id: _id, business_id: _business, ...fields } = after;
  await tx.subscriptions.updateStored(subscriptionId, fields);
  await setScheduledChangeStatus(tx.db, change.change_id, 'applied', now);
  if (newCode) await tx.discounts.recordUse(newCode.discount_id);
  await emitPlanChanged(tx, {
    before,
    after,
    proration_billing_mode: null,
    effective_at: 'next_billing_date',
    charged: 0,
    credit_added: 0,
    payment_id: null,
  });
  return after;
}
