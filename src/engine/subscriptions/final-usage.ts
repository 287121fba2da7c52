import { iso } from '../clock.js';
import type { EngineContext } from '../context.js';
import type { Db } from '../db/database.js';
import type { PaymentProcessor } from '../payments/processor.js';
import type { Payment } from '../payments/types.js';
import { chargeSubscription, type SubscriptionChargeLine } from './billing.js';
import type { StoredSubscription } from './types.js';

/**
 * The usage an ending leaves to bill: the meter lines of [previous_billing_date, end), how much they come
 * to, and how to record them (payment null when nothing was charged); null when there is nothing to bill.
 * Provided by the usage capability (usage/billing.ts, finalPeriodUsage).
 */
export type FinalPeriodUsage = (
  trx: Db,
  ctx: EngineContext,
  sub: StoredSubscription,
  end: number,
) => Promise<{ lines: SubscriptionChargeLine[]; amount: number; record(paymentId: string | null): Promise<void> } | null>;

export interface FinalUsageDeps {
  processor: PaymentProcessor;
  finalPeriodUsage?: FinalPeriodUsage | undefined;
}

/**
 * Bills the usage of the period an ending closes (SPEC §2.3, §2.7), inside the ending's transaction and
 * before its subscription.cancelled|expired: the meter lines only (no fixed fee, no period starts), with the
 * usual reductions of D4 (the code as on a renewal's meter lines, subscription credit, wallet, tax). The
 * meters billing 0 in total → no payment, the lines recorded with payment null so the period shows closed.
 * A declined charge is a failed payment and the ending goes ahead. Example: cancel_at_next_billing_date,
 * 2,500 calls in April (1,000 free at "2") → May 1: payment of 3000, then subscription.cancelled.
 */
export async function chargeFinalUsage(
  trx: Db,
  ctx: EngineContext,
  deps: FinalUsageDeps,
  sub: StoredSubscription,
  end: number,
): Promise<Payment | null> {
  const usage = await deps.finalPeriodUsage?.(trx, ctx, sub, end);
  if (!usage) return null;
  if (usage.amount === 0) {
    await usage.record(null);
    return null;
  }
  const payment = await chargeSubscription(trx, ctx, { processor: deps.processor }, {
    subscription: sub,
    lines: usage.lines,
    reason: 'final_usage',
    applyCredits: true,
    period: { start: iso(sub.previous_billing_date), end: iso(Math.min(end, sub.next_billing_date)) },
  });
  await usage.record(payment.payment_id);
  return payment;
}
