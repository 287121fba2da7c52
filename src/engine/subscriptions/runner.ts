import { iso } from '../clock.js';
import { forgetCachedReads, openReadCache } from '../db/read-cache.js';
import { inSavepoint } from '../db/transaction.js';
import type { Payment } from '../payments/types.js';
import type { Scope } from '../scope.js';
import { sleep } from '../shared/sleep.js';
import { chargeSubscriptionWithTotals, periodLinesOf } from './billing.js';
import { emitSubscriptionEvent } from './events.js';
import { chargeFinalUsage } from './final-usage.js';
import {
  cancelPendingScheduledChanges,
  claimPeriodRun,
  earliestDueInstant,
  eventTypesSince,
  findStoredSubscription,
  findStoredSubscriptions,
  findSubscriptionsDue,
  lastEventSequence,
  setPeriodRunPayment,
  updateSubscription,
} from './repo.js';
import { compareDue, type DueItem, dueItemOf, periodStart } from './rules.js';
import type { DueWorkResult, StoredSubscription } from './types.js';

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

export interface DueWorkOptions {
  /** Webhook deliveries, run at their scheduled instants between the subscription items. */
  webhooks?: DueSource | undefined;
  /** How much one transaction takes on (default BATCH_LIMITS); tests make batches small. */
  batchLimits?: BatchLimits | undefined;
  /** Measures how long a batch has run, in ms (default performance.now); never the engine's clock. */
  stopwatch?: (() => number) | undefined;
}

/** A batch ends after `items` items or once it has held its transaction for `ms` milliseconds. */
export interface BatchLimits {
  items: number;
  ms: number;
}

export interface RunOptions {
  /** Called before each item with its instant; the test clock moves there so the work happens "then". */
  moveClockTo?: ((at: number) => Promise<void>) | undefined;
  /** Called with each result as soon as its item is done, so a run that fails later still tells what it did. */
  report?: ((result: DueWorkResult) => void) | undefined;
}

interface DueEntry {
  sub: StoredSubscription;
  item: DueItem;
}

/** How one item of a batch came out: its result (null: it no longer applied) and the subscription after it. */
type ItemOutcome =
  | { entry: DueEntry; ok: true; result: DueWorkResult | null; latest: StoredSubscription | undefined }
  | { entry: DueEntry; ok: false; error: unknown };

/**
 * What one batch takes on at most. Its transaction holds the connection, so other requests wait for it
 * (at most ~0.5 s, then they take turns with the next batch), and a slow processor cannot stretch it
 * beyond the time limit. Bigger batches commit less and rewrite each index page they touch once for all
 * their items: 10,000 usage renewals (.bench-tmp) took 2.1 ms each with 100 items a batch, 1.6 with 150,
 * 1.45 with 250, 1.4 with 500 (pwrite64 calls 323k with 100, 182k with 400).
 */
export const BATCH_LIMITS: BatchLimits = { items: 500, ms: 500 };
const YIELD_AFTER_MS = 50;
/** Subscriptions of a batch read ahead in one statement (see processBatch). */
const READ_AHEAD = 100;
const YIELD_MS = 5;

/**
 * The due-work runner (SPEC §2.3, DESIGN "A test clock"): processes, in time order, every item due at or
 * before `until` — trial ends (the first real charge), renewals, scheduled cancellations, scheduled plan
 * changes (applied just before the renewal bills) and term ends. Each item claims (subscription, period,
 * kind) in subscription_period_runs in the transaction that does it, so running twice bills nothing twice;
 * a failing item rolls back alone, is reported with `error`, and is retried on the next run.
 *
 * Items due at the same instant run together in one transaction (see BATCH_LIMITS), each under its own
 * savepoint: a failing item still rolls back alone, readers see all of a batch or none of it, and 10,000
 * renewals on the 1st of the month pay for 20 commits rather than 10,000. Webhook work due in between
 * runs before and after each batch, never inside it.
 *
 * An item works through the batch's scope (`tx`): a due scheduled plan change is applied by
 * `tx.planChanges`, and the usage a renewal or an ending bills is measured by `tx.usage`.
 */
export class DueWorkRunner {
  constructor(
    private readonly scope: Scope,
    private readonly options: DueWorkOptions = {},
  ) {}

  /** The earliest instant any subscription has work due, or null. */
  async nextDueAt(): Promise<number | null> {
    return earliestDueInstant(this.scope.db, this.scope.businessId);
  }

  /**
   * Every item due at or before `until`, in time order. The timer passes the clock's now; the test clock
   * passes its target with `moveClockTo`, so each item runs with the clock standing at its instant
   * (without it, items due after now would run early, dated now).
   */
  async run(until: number, options: RunOptions = {}): Promise<DueWorkResult[]> {
    const results: DueWorkResult[] = [];
    const report = (result: DueWorkResult): void => {
      results.push(result);
      options.report?.(result);
    };
    const done = new Set<string>();
    // Read the due subscriptions once, then keep them in time order: after an item runs only its own
    // subscription goes back in the queue, as the item left it (it may owe another period before `until`).
    // Re-reading every due subscription per item made renewing 10,000 subscriptions quadratic.
    const queue = await this.dueQueue(until);
    // Webhook work that did nothing at an instant is not asked again until time moves past it.
    let webhooksIdleAt = Number.NEGATIVE_INFINITY;
    for (;;) {
      const next = queue[0] ?? null;
      const webhookAt = await this.options.webhooks?.nextDueAt();
      if (this.options.webhooks && webhookAt != null && webhookAt <= until && webhookAt > webhooksIdleAt && (!next || webhookAt <= next.item.at)) {
        await options.moveClockTo?.(webhookAt);
        const at = Math.max(webhookAt, this.scope.clock.now());
        if ((await this.options.webhooks.runDue(at)) === 0) webhooksIdleAt = at;
        continue;
      }
      if (!next) return results;
      queue.shift();
      // Still due after it ran: leave this subscription for the next run rather than loop.
      if (!firstRun(done, next)) continue;
      await options.moveClockTo?.(next.item.at);
      for (const outcome of await this.processBatch(next, queue, done, until)) {
        const { entry } = outcome;
        if (outcome.ok) {
          if (outcome.result) report(outcome.result);
          if (outcome.latest) requeue(queue, outcome.latest, until);
          continue;
        }
        const { error } = outcome;
        report({
          at: iso(entry.item.at),
          subscription_id: entry.sub.subscription_id,
          kind: entry.item.kind,
          status_before: entry.sub.status,
          status_after: entry.sub.status,
          events: [],
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  private async dueQueue(until: number): Promise<DueEntry[]> {
    const due = await findSubscriptionsDue(this.scope.db, this.scope.businessId, until);
    return due
      .flatMap((sub) => {
        const item = dueItemOf(sub, until);
        return item ? [{ sub, item }] : [];
      })
      .sort(compareDue);
  }

  /**
   * One batch in one transaction: `first`, then the entries at the head of the queue due at the same
   * instant (each taken off the queue as it runs, one whose work already ran in this run dropped), within
   * the batch limits, each under a savepoint (see the class comment). When the transaction itself fails
   * (its commit), none of the batch happened and every item it took reports that error.
   */
  private async processBatch(first: DueEntry, queue: DueEntry[], done: Set<string>, until: number): Promise<ItemOutcome[]> {
    const outcomes: ItemOutcome[] = [];
    const taken: DueEntry[] = [];
    const limits = this.options.batchLimits ?? BATCH_LIMITS;
    const stopwatch = this.options.stopwatch ?? (() => performance.now());
    // From when the batch's transaction holds the write lock: the wait for it is not time the batch held it.
    // Counted from before the wait, a replica that waited out two others' batches (~1 s) found its time
    // spent and took one item per transaction: three replicas renewed 1.4-1.6x slower than one.
    let started = stopwatch();
    // Items the batch did work for. One another process already did (dropped below) is not counted: with three
    // replicas on one queue, up to all 500 places of a batch went to such items, and it renewed 0–38.
    let worked = 0;
    const nextEntry = (): DueEntry | undefined => {
      if (taken.length === 0) return first;
      while (worked < limits.items && stopwatch() - started < limits.ms && queue[0]?.item.at === first.item.at) {
        const head = queue.shift() as DueEntry;
        if (firstRun(done, head)) return head;
      }
      return undefined;
    };
    // Each item starts from its subscription as stored now. They are read ahead, the next READ_AHEAD of the
    // batch in one statement, under the batch's write lock: nothing else can change them until it commits,
    // and an item changes no subscription but its own. An item another process did meanwhile (its state
    // moved on) is then dropped without a savepoint or a statement of its own: with three replicas running
    // the same queue, those skips were most of the waiting ones' turns (bench/postgres.mjs).
    const readAhead = new Map<string, StoredSubscription | undefined>();
    const storedNow = async (tx: Scope, entry: DueEntry): Promise<StoredSubscription | undefined> => {
      const id = entry.sub.subscription_id;
      if (!readAhead.has(id)) {
        const ids = [
          id,
          ...queue
            .slice(0, READ_AHEAD - 1)
            .filter((e) => e.item.at === first.item.at)
            .map((e) => e.sub.subscription_id),
        ];
        const found = await findStoredSubscriptions(tx.db, tx.businessId, ids);
        for (const wanted of ids) readAhead.set(wanted, found.get(wanted));
      }
      const sub = readAhead.get(id);
      readAhead.delete(id);
      return sub;
    };
    try {
      await this.scope.transaction(async (tx) => {
        started = stopwatch();
        const closeReadCache = openReadCache(tx.db);
        try {
          let mark = await lastEventSequence(tx.db);
          for (let entry = nextEntry(); entry; entry = nextEntry()) {
            taken.push(entry);
            const sub = await storedNow(tx, entry);
            if (!stillDue(sub, entry, until)) {
              outcomes.push({ entry, ok: true, result: null, latest: sub });
              continue;
            }
            worked += 1;
            const outcome = await inSavepoint(tx.db, () => this.process(tx, entry, sub, until, mark));
            if (outcome.ok) {
              outcomes.push({ entry, ok: true, ...outcome.value });
              mark = outcome.value.mark;
            } else {
              // What the item wrote is undone, so nothing read since can be trusted to stand.
              forgetCachedReads(tx.db);
              outcomes.push({ entry, ok: false, error: outcome.error });
            }
          }
        } finally {
          closeReadCache();
        }
      });
    } catch (error) {
      return (taken.length > 0 ? taken : [first]).map((entry) => ({ entry, ok: false, error }));
    }
    // A long batch kept every other process's writes waiting: pause so they get the lock before the next
    // one (they retry every few ms, write-lock.ts). Renewing 10,000 at once: 20 pauses of 5 ms.
    if (stopwatch() - started >= YIELD_AFTER_MS) await sleep(YIELD_MS);
    return outcomes;
  }

  /**
   * One item inside the batch's transaction, on its subscription as stored now (`sub`, which still owes it);
   * result null when its period run is claimed already. `mark` is the last event sequence before it; the
   * item's events are those after.
   */
  private async process(
    tx: Scope,
    entry: DueEntry,
    sub: StoredSubscription,
    until: number,
    mark: number,
  ): Promise<{ result: DueWorkResult | null; latest: StoredSubscription | undefined; mark: number }> {
    const { item } = entry;
    const subscriptionId = entry.sub.subscription_id;
    const claimed = await claimPeriodRun(tx.db, {
      subscription_id: subscriptionId,
      period_index: item.period_index,
      kind: item.kind,
      ran_at: tx.clock.now(),
    });
    if (!claimed) return { result: null, latest: sub, mark };
    const done = await this.perform(tx, sub, item);
    const { payment } = done;
    const after = done.after ?? (await findStoredSubscription(tx.db, tx.businessId, subscriptionId));
    const events = await eventTypesSince(tx.db, mark);
    return {
      result: {
        at: iso(item.at),
        subscription_id: subscriptionId,
        kind: item.kind,
        ...(payment && { payment_id: payment.payment_id, amount: payment.total_amount }),
        status_before: sub.status,
        status_after: after?.status ?? sub.status,
        events: events.map((e) => e.type),
      },
      latest: after,
      mark: events.at(-1)?.sequence ?? mark,
    };
  }

  /** Does the item: its payment (null: none), and the subscription as it left it when it read it last. */
  private async perform(
    tx: Scope,
    sub: StoredSubscription,
    item: DueItem,
  ): Promise<{ payment: Payment | null; after?: StoredSubscription | undefined }> {
    const now = tx.clock.now();
    switch (item.kind) {
      case 'expiry': {
        // SPEC §2.3: the term ended → expired; later charges are SUBSCRIPTION_EXPIRED. The closing period's
        // usage [previous_billing_date, expires_at) is billed first (§2.7): payment.*, then subscription.expired.
        const payment = await this.chargeFinalUsage(tx, sub, item);
        await updateSubscription(tx.db, sub.subscription_id, { status: 'expired', updated_at: now });
        await cancelPendingScheduledChanges(tx.db, sub.subscription_id, now);
        await emitSubscriptionEvent(tx, 'subscription.expired', sub.subscription_id);
        return { payment };
      }
      case 'scheduled_cancellation': {
        // SPEC §2.3 / D11: at next_billing_date no new period is charged; cancelled at the boundary. A
        // usage-based subscription's closing period is billed in arrears first (meter lines only, §2.7).
        const payment = await this.chargeFinalUsage(tx, sub, item);
        await updateSubscription(tx.db, sub.subscription_id, { status: 'cancelled', cancelled_at: item.at, updated_at: now });
        await cancelPendingScheduledChanges(tx.db, sub.subscription_id, now);
        await emitSubscriptionEvent(tx, 'subscription.cancelled', sub.subscription_id);
        return { payment };
      }
      case 'trial_end':
      case 'renewal':
        return this.renew(tx, sub, item);
    }
  }

  /** The final usage charge of an ending, noted in the item's ledger row; null when there is none. */
  private async chargeFinalUsage(tx: Scope, sub: StoredSubscription, item: DueItem): Promise<Payment | null> {
    const payment = await chargeFinalUsage(tx, sub, item.at);
    if (payment)
      await setPeriodRunPayment(
        tx.db,
        { subscription_id: sub.subscription_id, period_index: item.period_index, kind: item.kind },
        payment.payment_id,
      );
    return payment;
  }

  /**
   * Charges period k+1 = [next_billing_date, boundary(k+2)). A due scheduled plan change applies first,
   * so the new plan is what bills. Success: previous := old next, next := boundary(k+2) (from the anchor:
   * Jan 31 → Feb 28 → Mar 31), subscription.renewed. Failure: on_hold owing the charge before credits,
   * subscription.on_hold; the dates stay until the outstanding amount is paid (recovery.ts).
   */
  private async renew(tx: Scope, claimed: StoredSubscription, item: DueItem): Promise<{ payment: Payment; after: StoredSubscription | undefined }> {
    // Usage of the closing period is measured before a due scheduled change swaps the product (D6).
    const usage = await tx.usage.closingPeriodUsage(claimed);
    // Nothing else in the item has changed the subscription unless a scheduled change switched it.
    const switched = await tx.planChanges.applyDueScheduledChange(claimed.subscription_id, item.at);
    const sub = switched ? ((await findStoredSubscription(tx.db, tx.businessId, claimed.subscription_id)) ?? claimed) : claimed;
    const k = item.period_index;
    const start = sub.next_billing_date;
    const end = periodStart(sub, k + 1);
    const { payment, owed_before_credits } = await chargeSubscriptionWithTotals(tx, {
      subscription: sub,
      current: sub,
      lines: [...(await periodLinesOf(tx, sub)), ...usage.lines],
      reason: item.kind === 'trial_end' ? 'first' : 'renewal',
      applyCredits: true,
      period: { start: iso(start), end: iso(end) },
    });
    await setPeriodRunPayment(tx.db, { subscription_id: sub.subscription_id, period_index: k, kind: item.kind }, payment.payment_id);
    await usage.record(payment.payment_id);
    const now = tx.clock.now();
    const succeeded = payment.status === 'succeeded';
    await updateSubscription(
      tx.db,
      sub.subscription_id,
      succeeded
        ? { period_index: k, previous_billing_date: start, next_billing_date: end, outstanding_amount: 0, updated_at: now }
        : // A failed charge uses no credit (the wallet part is given back), so the whole charge is owed.
          { status: 'on_hold', outstanding_amount: owed_before_credits, updated_at: now },
    );
    // Read once for both the event and the runner (its status after, its next due item).
    const after = await findStoredSubscription(tx.db, tx.businessId, sub.subscription_id);
    await emitSubscriptionEvent(tx, succeeded ? 'subscription.renewed' : 'subscription.on_hold', sub.subscription_id, {}, after);
    return { payment, after };
  }
}

/** Notes the entry's (subscription, period, kind) as run in this run; false when it already was. */
/** Whether the stored subscription still owes exactly this entry's item (not done elsewhere, not moved on). */
function stillDue(sub: StoredSubscription | undefined, entry: DueEntry, until: number): sub is StoredSubscription {
  const current = sub && dueItemOf(sub, until);
  return current !== undefined && current !== null && current.kind === entry.item.kind && current.at === entry.item.at;
}

function firstRun(done: Set<string>, entry: DueEntry): boolean {
  const key = `${entry.sub.subscription_id}/${entry.item.period_index}/${entry.item.kind}`;
  if (done.has(key)) return false;
  done.add(key);
  return true;
}

/** Puts the subscription's next due item (if any before `until`) back in time order. */
function requeue(queue: DueEntry[], sub: StoredSubscription, until: number): void {
  const item = dueItemOf(sub, until);
  if (!item) return;
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
