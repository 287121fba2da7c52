import { addInterval } from '../calendar.js';
import { iso } from '../clock.js';
import type { Payment } from '../payments/types.js';
import type { Scope } from '../scope.js';
import { chargeSubscription } from './billing.js';
import { emitSubscriptionEvent } from './events.js';
import { findPeriodRun, setPeriodRunPayment, updateSubscription } from './repo.js';
import type { StoredSubscription } from './types.js';

/**
 * Leaving on_hold (SPEC D15; seed 004 calls on_hold "paused"): the new method is charged the outstanding
 * amount once, as one line (taxed as it was when first billed: an inclusive line at today's rate, so 3540
 * at 1800 bps shows 3000 + 540), with no credits or code, as those were applied when it was first billed.
 * On success: `active`, outstanding 0, payment.succeeded then subscription.active, and the billing cycle
 * restarts at the recovery instant, so the months spent on hold are never billed:
 * - a hold from a failed renewal (or trial end): the outstanding amount was that period's charge, so it now
 *   pays a period starting now. Declined on May 1, recovered on Aug 1: 3000 once, previous Aug 1, next
 *   Sep 1, subscription.renewed; no renewal for May, June or July.
 * - a hold from a failed plan-change charge: the period it fell in was paid already, so its dates stay
 *   while that period lasts; recovered after it ended, the next period starts now and is due now (one
 *   renewal, from now), instead of every period missed since.
 * On failure the subscription stays on_hold with the same outstanding amount (payment.failed).
 */
export async function recoverFromHold(tx: Scope, sub: StoredSubscription): Promise<Payment> {
  const product = await tx.products.find(sub.product_id);
  // A failed renewal claimed the next period in the runner's ledger without moving the dates.
  const unpaidPeriod = sub.period_index + 1;
  const failedKind = (await findPeriodRun(tx.db, sub.subscription_id, unpaidPeriod, 'renewal'))
    ? 'renewal'
    : (await findPeriodRun(tx.db, sub.subscription_id, unpaidPeriod, 'trial_end'))
      ? 'trial_end'
      : null;
  const now = tx.clock.now();
  const restartedEnd = addInterval(now, sub.payment_frequency_count, sub.payment_frequency_interval);
  // Usage while on hold: the failed renewal billed the period before it; the restarted cycle starts now.
  // The events in between are billed here, once, as the part [old next_billing_date, now) (SPEC D16: every
  // accepted event is billed once). A usage plan declined on May 1 and recovered on Aug 1 with 300 calls in
  // between adds their meter line to the recovery charge.
  const held =
    failedKind !== null && sub.next_billing_date < now
      ? await tx.usage.finalPeriodUsage({ ...sub, previous_billing_date: sub.next_billing_date, next_billing_date: now }, now)
      : null;
  const payment = await chargeSubscription(tx, {
    subscription: sub,
    lines: [
      {
        item_id: sub.product_id,
        kind: 'product',
        name: `${product?.name ?? sub.product_id} (outstanding balance)`,
        product_id: sub.product_id,
        quantity: 1,
        unit_price: sub.outstanding_amount,
        discount_percent: 0,
        tax_inclusive: true,
      },
      ...(held?.lines ?? []),
    ],
    reason: 'recovery',
    applyCredits: false,
    period: failedKind === null ? null : { start: iso(now), end: iso(restartedEnd) },
  });
  if (payment.status !== 'succeeded') return payment;
  await held?.record(payment.payment_id);

  const cycles = sub.discount_cycles_remaining;
  const periodEnded = sub.next_billing_date <= now;
  await updateSubscription(tx.db, sub.subscription_id, {
    status: 'active',
    outstanding_amount: 0,
    ...(failedKind !== null && {
      period_index: unpaidPeriod,
      billing_anchor: now,
      anchor_period_index: unpaidPeriod,
      previous_billing_date: now,
      next_billing_date: restartedEnd,
      ...(sub.discount_id !== null && cycles !== null && cycles > 0 && { discount_cycles_remaining: cycles - 1 }),
    }),
    // The next period starts now; the due-work runner bills it as a renewal dated now.
    ...(failedKind === null && periodEnded && { billing_anchor: now, anchor_period_index: unpaidPeriod, next_billing_date: now }),
    updated_at: now,
  });
  if (failedKind !== null) {
    await setPeriodRunPayment(tx.db, { subscription_id: sub.subscription_id, period_index: unpaidPeriod, kind: failedKind }, payment.payment_id);
  }
  await emitSubscriptionEvent(tx, 'subscription.active', sub.subscription_id);
  if (failedKind !== null) await emitSubscriptionEvent(tx, 'subscription.renewed', sub.subscription_id);
  return payment;
}
