import { iso } from '../clock.js';
import type { EngineContext } from '../context.js';
import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import type { PaymentProcessor } from '../payments/processor.js';
import type { Payment } from '../payments/types.js';
import { chargeSubscriptionWithTotals, periodLinesOf, type SubscriptionChargeLine } from './billing.js';
import { emitSubscriptionEvent } from './events.js';
import {
  cancelPendingScheduledChanges,
  claimPeriodRun,
  earliestDueInstant,
  eventTypesAfter,
  findStoredSubscription,
  findSubscriptionsDue,
  lastEventSequence,
  setPeriodRunPayment,
  updateSubscription,
} from './repo.js';
import { compareDue, type DueItem, dueItemOf, periodStart } from './rules.js';
import type { DueWorkResult, StoredSubscription, SubscriptionStatus } from './types.js';

/**
 * Applies a subscription's scheduled plan change that is due at `at`, inside the renewal's transaction,
 * before the renewal bills (SPEC §3 G: Pro → Basic scheduled for 05-01 bills 3000 on 05-01). Provided
 * by the plan-change capability (src/engine/plan-changes/scheduled.ts, applyDueScheduledChange).
 */
export type ApplyDueScheduledChange = (trx: Db, ctx: EngineContext, subscriptionId: string, at: number) => Promise<unknown>;

/**
 * Other due work the runner interleaves with subscriptions in time order: webhook deliveries and their
 * retries (src/engine/webhooks/dispatcher.ts), so the test clock moves retries too.
 */
export interface DueSource {
  /** The earliest instant it has work due, or null. */
  nextDueAt(): Promise<number | null>;
  /** Does the work due at or before `at` (the clock stands at `at`); returns how much it did, 0 for none. */
  runDue(at: number): Promise<number>;
}

export interface DueWorkDeps {
  processor: PaymentProcessor;
  applyDueScheduledChange?: ApplyDueScheduledChange | undefined;
  /** Webhook deliveries, run at their scheduled instants between the subscription items. */
  webhooks?: DueSource | undefined;
  closingPeriodUsage?: ClosingPeriodUsage | undefined;
}

/**
 * The usage of the period a renewal closes, billed in arrears with it (SPEC §2.7): meter lines to add,
 * and how to record them against the payment. Provided by the usage capability (usage/billing.ts).
 */
export type ClosingPeriodUsage = (
  trx: Db,
  ctx: EngineContext,
  sub: StoredSubscription,
) => Promise<{ lines: SubscriptionChargeLine[]; record(paymentId: string): Promise<void> }>;

export interface RunOptions {
  /** Called before each item with its instant; the test clock moves there so the work happens "then". */
  moveClockTo?: ((at: number) => Promise<void>) | undefined;
}

/**
 * The due-work runner (SPEC §2.3, DESIGN "A test clock"): processes, in time order, every item due at or
 * before `until` — trial ends (the first real charge), renewals, scheduled cancellations, scheduled plan
 * changes (applied just before the renewal bills) and term ends. Each item is one transaction that also
 * claims (subscription, period, kind) in subscription_period_runs, so running twice bills nothing twice;
 * a failing item rolls back alone, is reported with `error`, and is retried on the next run.
 */
interface DueEntry {
  sub: StoredSubscription;
  item: DueItem;
}

export class DueWorkRunner {
  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: DueWorkDeps,
  ) {}

  /** The earliest instant any subscription has work due, or null. */
  async nextDueAt(): Promise<number | null> {
    return earliestDueInstant(this.ctx.db, this.ctx.businessId);
  }

  /**
   * Every item due at or before `until`, in time order. The timer passes the clock's now; the test clock
   * passes its target with `moveClockTo`, so each item runs with the clock standing at its instant
   * (without it, items due after now would run early, dated now).
   */
  async run(until: number, options: RunOptions = {}): Promise<DueWorkResult[]> {
    const results: DueWorkResult[] = [];
    const done = new Set<string>();
    // Read the due subscriptions once, then keep them in time order: after an item runs only its own
    // subscription is read again (it may owe another period before `until`). Re-reading every due
    // subscription per item made renewing 10,000 subscriptions quadratic.
    const queue = await this.dueQueue(until);
    // Webhook work that did nothing at an instant is not asked again until time moves past it.
    let webhooksIdleAt = Number.NEGATIVE_INFINITY;
    for (;;) {
      const next = queue[0] ?? null;
      const webhookAt = await this.deps.webhooks?.nextDueAt();
      if (this.deps.webhooks && webhookAt != null && webhookAt <= until && webhookAt > webhooksIdleAt && (!next || webhookAt <= next.item.at)) {
        await options.moveClockTo?.(webhookAt);
        const at = Math.max(webhookAt, this.ctx.clock.now());
        if ((await this.deps.webhooks.runDue(at)) === 0) webhooksIdleAt = at;
        continue;
      }
      if (!next) return results;
      queue.shift();
      const key = `${next.sub.subscription_id}/${next.item.period_index}/${next.item.kind}`;
      // Still due after it ran: leave this subscription for the next run rather than loop.
      if (done.has(key)) continue;
      done.add(key);
      await options.moveClockTo?.(next.item.at);
      try {
        const result = await this.process(next.sub.subscription_id, next.item, until);
        if (result) results.push(result);
        await this.requeue(queue, next.sub.subscription_id, until);
      } catch (error) {
        results.push({
          at: iso(next.item.at),
          subscription_id: next.sub.subscription_id,
          kind: next.item.kind,
          status_before: next.sub.status,
          status_after: next.sub.status,
          events: [],
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  private async dueQueue(until: number): Promise<DueEntry[]> {
    const due = await findSubscriptionsDue(this.ctx.db, this.ctx.businessId, until);
    return due
      .flatMap((sub) => {
        const item = dueItemOf(sub, until);
        return item ? [{ sub, item }] : [];
      })
      .sort(compareDue);
  }

  /** Puts the subscription's next due item (if any before `until`) back in time order. */
  private async requeue(queue: DueEntry[], subscriptionId: string, until: number): Promise<void> {
    const sub = await findStoredSubscription(this.ctx.db, this.ctx.businessId, subscriptionId);
    const item = sub && dueItemOf(sub, until);
    if (!sub || !item) return;
    const entry = { sub, item };
    let low = 0;
    let high = queue.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareDue(queue[middle] as DueEntry, entry) <= 0) low = middle + 1;
      else high = middle;
    }
    queue.splice(low, 0, entry);
  }

  /** One item in one transaction; null when it no longer applies (already done, or the state moved on). */
  private async process(subscriptionId: string, item: DueItem, until: number): Promise<DueWorkResult | null> {
    return inTransaction(this.ctx.db, async (trx) => {
      const ctx: EngineContext = { ...this.ctx, db: trx };
      const sub = await findStoredSubscription(trx, ctx.businessId, subscriptionId);
      const current = sub && dueItemOf(sub, until);
      if (!sub || !current || current.kind !== item.kind || current.at !== item.at) return null;
      const claimed = await claimPeriodRun(trx, {
        subscription_id: subscriptionId,
        period_index: item.period_index,
        kind: item.kind,
        ran_at: ctx.clock.now(),
      });
      if (!claimed) return null;
      const mark = await lastEventSequence(trx);
      const payment = await this.perform(trx, ctx, sub, item);
      const after = await findStoredSubscription(trx, ctx.businessId, subscriptionId);
      return {
        at: iso(item.at),
        subscription_id: subscriptionId,
        kind: item.kind,
        ...(payment && { payment_id: payment.payment_id, amount: payment.total_amount }),
        status_before: sub.status,
        status_after: (after?.status ?? sub.status) as SubscriptionStatus,
        events: await eventTypesAfter(trx, mark),
      };
    });
  }

  private async perform(trx: Db, ctx: EngineContext, sub: StoredSubscription, item: DueItem): Promise<Payment | null> {
    const now = ctx.clock.now();
    switch (item.kind) {
      case 'expiry':
        // SPEC §2.3: the term ended → expired; later charges are SUBSCRIPTION_EXPIRED.
        await updateSubscription(trx, sub.subscription_id, { status: 'expired', updated_at: now });
        await cancelPendingScheduledChanges(trx, sub.subscription_id, now);
        await emitSubscriptionEvent(trx, ctx, 'subscription.expired', sub.subscription_id);
        return null;
      case 'scheduled_cancellation':
        // SPEC §2.3 / D11: at next_billing_date, no charge; cancelled at the boundary.
        await updateSubscription(trx, sub.subscription_id, { status: 'cancelled', cancelled_at: item.at, updated_at: now });
        await cancelPendingScheduledChanges(trx, sub.subscription_id, now);
        await emitSubscriptionEvent(trx, ctx, 'subscription.cancelled', sub.subscription_id);
        return null;
      case 'trial_end':
      case 'renewal':
        return this.renew(trx, ctx, sub, item);
    }
  }

  /**
   * Charges period k+1 = [next_billing_date, boundary(k+2)). A due scheduled plan change applies first,
   * so the new plan is what bills. Success: previous := old next, next := boundary(k+2) (from the anchor:
   * Jan 31 → Feb 28 → Mar 31), subscription.renewed. Failure: on_hold owing the charge before credits,
   * subscription.on_hold; the dates stay until the outstanding amount is paid (recovery.ts).
   */
  private async renew(trx: Db, ctx: EngineContext, claimed: StoredSubscription, item: DueItem): Promise<Payment> {
    // Usage of the closing period is measured before a due scheduled change swaps the product (D6).
    const usage = await this.deps.closingPeriodUsage?.(trx, ctx, claimed);
    if (this.deps.applyDueScheduledChange) await this.deps.applyDueScheduledChange(trx, ctx, claimed.subscription_id, item.at);
    const sub = (await findStoredSubscription(trx, ctx.businessId, claimed.subscription_id)) ?? claimed;
    const k = item.period_index;
    const start = sub.next_billing_date;
    const end = periodStart(sub, k + 1);
    const { payment, owed_before_credits } = await chargeSubscriptionWithTotals(trx, this.ctx, { processor: this.deps.processor }, {
      subscription: sub,
      lines: [...(await periodLinesOf(trx, ctx.businessId, sub)), ...(usage?.lines ?? [])],
      reason: item.kind === 'trial_end' ? 'first' : 'renewal',
      applyCredits: true,
      period: { start: iso(start), end: iso(end) },
    });
    await setPeriodRunPayment(trx, { subscription_id: sub.subscription_id, period_index: k, kind: item.kind }, payment.payment_id);
    await usage?.record(payment.payment_id);
    const now = ctx.clock.now();
    if (payment.status === 'succeeded') {
      await updateSubscription(trx, sub.subscription_id, {
        period_index: k,
        previous_billing_date: start,
        next_billing_date: end,
        outstanding_amount: 0,
        updated_at: now,
      });
      await emitSubscriptionEvent(trx, ctx, 'subscription.renewed', sub.subscription_id);
    } else {
      // A failed charge uses no credit (the wallet part is given back), so the whole charge is owed.
      await updateSubscription(trx, sub.subscription_id, { status: 'on_hold', outstanding_amount: owed_before_credits, updated_at: now });
      await emitSubscriptionEvent(trx, ctx, 'subscription.on_hold', sub.subscription_id);
    }
    return payment;
  }
}
