import { iso } from '../clock.js';
import type { Payment } from '../payments/types.js';
import type { Scope } from '../scope.js';
import { chargeSubscription } from './billing.js';
import type { StoredSubscription } from './types.js';

/**
 * Bills the usage of the period an ending closes (SPEC §2.3, §2.7), inside the ending's transaction (`tx`)
 * and before its subscription.cancelled|expired: the meter lines only (`tx.usage.finalPeriodUsage`; no
 * fixed fee, no period starts), with the usual reductions of D4 (the code as on a renewal's meter lines,
 * subscription credit, wallet, tax). The meters billing 0 in total → no payment, the lines recorded with
 * payment null so the period shows closed. A declined charge is a failed payment and the ending goes
 * ahead. Example: cancel_at_next_billing_date, 2,500 calls in April (1,000 free at "2") → May 1: payment
 * of 3000, then subscription.cancelled.
 */
export async function chargeFinalUsage(tx: Scope, sub: StoredSubscription, end: number): Promise<Payment | null> {
  const usage = await tx.usage.finalPeriodUsage(sub, end);
  if (!usage) return null;
  if (usage.amount === 0) {
    await usage.record(null);
    return null;
  }
  const payment = await chargeSubscription(tx, {
    subscription: sub,
    lines: usage.lines,
    reason: 'final_usage',
    applyCredits: true,
    period: { start: iso(sub.previous_billing_date), end: iso(Math.min(end, sub.next_billing_date)) },
  });
  await usage.record(payment.payment_id);
  return payment;
}
