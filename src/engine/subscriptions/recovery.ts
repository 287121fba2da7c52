import { iso } from '../clock.js';
import type { EngineContext } from '../context.js';
import type { Db } from '../db/database.js';
import type { Payment } from '../payments/types.js';
import { findProduct } from '../products/repo.js';
import { type SubscriptionChargeDeps, chargeSubscription } from './billing.js';
import { emitSubscriptionEvent } from './events.js';
import { findPeriodRun, setPeriodRunPayment, updateSubscription } from './repo.js';
import { periodStart } from './rules.js';
import type { StoredSubscription } from './types.js';

/**
 * Leaving on_hold (SPEC §2.3, seed 004): the new method is charged the outstanding amount as one line
 * (taxed as it was when first billed: an inclusive line at today's rate, so 3540 at 1800 bps shows
 * 3000 + 540), with no credits or code, as those were applied when it was first billed. On success:
 * `active`, outstanding 0, payment.succeeded then subscription.active; and when the hold came from a
 * failed renewal (or trial end), that period is now paid: the dates move on one period
 * (previous := old next), the code spends its cycle, and subscription.renewed follows. On failure the
 * subscription stays on_hold with payment.failed.
 */
export async function recoverFromHold(
  trx: Db,
  ctx: EngineContext,
  deps: SubscriptionChargeDeps,
  sub: StoredSubscription,
): Promise<Payment> {
  const tctx: EngineContext = { ...ctx, db: trx };
  const product = await findProduct(trx, ctx.businessId, sub.product_id);
  // A failed renewal claimed the next period in the runner's ledger without moving the dates.
  const unpaidPeriod = sub.period_index + 1;
  const failedKind = (await findPeriodRun(trx, sub.subscription_id, unpaidPeriod, 'renewal'))
    ? 'renewal'
    : (await findPeriodRun(trx, sub.subscription_id, unpaidPeriod, 'trial_end'))
      ? 'trial_end'
      : null;
  const periodEnd = failedKind === null ? null : periodStart(sub, unpaidPeriod + 1);
  const payment = await chargeSubscription(trx, ctx, deps, {
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
    ],
    reason: 'recovery',
    applyCredits: false,
    period: periodEnd === null ? null : { start: iso(sub.next_billing_date), end: iso(periodEnd) },
  });
  if (payment.status !== 'succeeded') return payment;

  const cycles = sub.discount_cycles_remaining;
  await updateSubscription(trx, sub.subscription_id, {
    status: 'active',
    outstanding_amount: 0,
    ...(periodEnd !== null && {
      period_index: unpaidPeriod,
      previous_billing_date: sub.next_billing_date,
      next_billing_date: periodEnd,
      ...(sub.discount_id !== null && cycles !== null && cycles > 0 && { discount_cycles_remaining: cycles - 1 }),
    }),
    updated_at: ctx.clock.now(),
  });
  if (failedKind !== null) {
    await setPeriodRunPayment(trx, { subscription_id: sub.subscription_id, period_index: unpaidPeriod, kind: failedKind }, payment.payment_id);
  }
  await emitSubscriptionEvent(trx, tctx, 'subscription.active', sub.subscription_id);
  if (periodEnd !== null) await emitSubscriptionEvent(trx, tctx, 'subscription.renewed', sub.subscription_id);
  return payment;
}
