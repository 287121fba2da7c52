// Rule under test: the due-work runner runs the items due at one instant together in one transaction, each
// under its own savepoint (runner.ts). An item that throws rolls back alone — its claim, payment, events and
// subscription change undone — is reported with `error`, and is billed once by the next run; the items
// before and after it in the same batch commit. A batch ends at its item limit or its time limit; the items
// beyond it run in the next batches, in order, and each reports exactly its own events. The time limit counts
// from when the batch holds the write lock: a wait for it (other processes' batches) is not the batch's time.
import { afterEach, describe, expect, test } from 'vitest';
import type { ChargeRequest, ChargeResult, PaymentProcessor } from '../../../src/engine/payments/processor.js';
import { TestProcessor } from '../../../src/engine/payments/processor.js';
import { DueWorkRunner } from '../../../src/engine/subscriptions/runner.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, eventTypes, paymentsOf, plan } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

/** The test processor, except that charging `broken` throws (a bug, not a declined card) while it is set. */
class BreakingProcessor implements PaymentProcessor {
  broken: string | null = null;
  inner: TestProcessor | null = null;

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (request.payment_method.payment_method_id === this.broken) throw new Error('processor unreachable');
    if (!this.inner) throw new Error('no inner processor');
    return this.inner.charge(request);
  }
}

/** Counts the transactions begun on the engine's connection from now on. */
function countTransactions(target: TestEngine): { count(): number } {
  let begun = 0;
  const original = target.ctx.db.transaction.bind(target.ctx.db);
  target.ctx.db.transaction = () => {
    begun += 1;
    return original();
  };
  return { count: () => begun };
}

async function subscribers(count: number, processor?: BreakingProcessor) {
  engine = await createTestEngine('2025-04-01T00:00:00.000Z', processor ? { processor } : {});
  if (processor) processor.inner = new TestProcessor(engine.clock);
  const product = await plan(engine);
  const subs: Array<{ subscription_id: string; payment_method_id: string }> = [];
  for (let i = 0; i < count; i++) {
    const { customer, method } = await customerWithCard(engine, { email: `c${i}@example.com` });
    const created = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: product.product_id,
      quantity: 1,
    });
    subs.push({ subscription_id: created.subscription.subscription_id, payment_method_id: method.payment_method_id });
  }
  return subs;
}

describe('due work at one instant runs in batches', () => {
  test('a throwing item rolls back alone; the items around it commit; the next run bills it once', async () => {
    const processor = new BreakingProcessor();
    const subs = await subscribers(3, processor);
    const [first, middle, last] = subs as [(typeof subs)[0], (typeof subs)[0], (typeof subs)[0]];
    processor.broken = middle.payment_method_id;
    const eventsBefore = (await eventTypes(engine)).length;

    const advanced = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(advanced.processed.map((r) => [r.subscription_id, r.status_after, r.error ?? null])).toEqual([
      [first.subscription_id, 'active', null],
      [middle.subscription_id, 'active', 'processor unreachable'],
      [last.subscription_id, 'active', null],
    ]);
    expect(advanced.processed[1]).toMatchObject({ kind: 'renewal', events: [], status_before: 'active' });
    for (const r of [advanced.processed[0], advanced.processed[2]]) {
      expect(r?.events).toEqual(['payment.processing', 'payment.succeeded', 'subscription.renewed']);
    }
    // Nothing of the middle item stayed: no payment, no event, no claim; its dates did not move.
    expect(await paymentsOf(engine, middle.subscription_id)).toEqual([['2025-04-01', 3000, 'succeeded']]);
    expect(await paymentsOf(engine, last.subscription_id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-05-01', 3000, 'succeeded'],
    ]);
    expect((await eventTypes(engine)).length - eventsBefore).toBe(6);
    expect(await engine.subscriptions.get(middle.subscription_id)).toMatchObject({ next_billing_date: '2025-05-01T00:00:00.000Z' });
    const claims = await engine.ctx.db.selectFrom('subscription_period_runs').select('subscription_id').where('period_index', '=', 1).execute();
    expect(claims.map((c) => c.subscription_id).sort()).toEqual([first.subscription_id, last.subscription_id].sort());

    // Repaired: the next run bills the middle one, and only it; a run after that bills nothing.
    processor.broken = null;
    const retried = await engine.dueWork.run(engine.clock.now());
    expect(retried.map((r) => [r.subscription_id, r.kind, r.amount, r.events])).toEqual([
      [middle.subscription_id, 'renewal', 3000, ['payment.processing', 'payment.succeeded', 'subscription.renewed']],
    ]);
    expect(await engine.dueWork.run(engine.clock.now())).toEqual([]);
    expect(await paymentsOf(engine, middle.subscription_id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-05-01', 3000, 'succeeded'],
    ]);
  });

  test.each([
    // 30 items at each instant: batches of 12, 12, 6.
    ['more items than one batch holds', { items: 12, ms: 1e9 }, 6],
    // The stopwatch moves 100 ms each time it is read: each batch takes its first item and two more.
    ['a batch that runs out of time', { items: 500, ms: 250 }, 20],
  ])('%s: every item renews once, oldest first, with its own events', async (_name, batchLimits, batches) => {
    const subs = await subscribers(30);
    let elapsed = 0;
    const runner = new DueWorkRunner(engine.ctx, {
      batchLimits,
      stopwatch: () => (elapsed += 100),
    });
    const transactions = countTransactions(engine);
    engine.clock.set('2025-06-01T00:00:00.000Z');
    const processed = await runner.run(engine.clock.now());
    expect(transactions.count()).toBe(batches);
    expect(processed).toHaveLength(60);
    expect(processed.slice(0, 30).map((r) => [r.subscription_id, r.at])).toEqual(subs.map((s) => [s.subscription_id, '2025-05-01T00:00:00.000Z']));
    expect(processed.slice(30).map((r) => [r.subscription_id, r.at])).toEqual(subs.map((s) => [s.subscription_id, '2025-06-01T00:00:00.000Z']));
    for (const r of processed) {
      expect(r).toMatchObject({ kind: 'renewal', amount: 3000, status_after: 'active' });
      expect(r.events).toEqual(['payment.processing', 'payment.succeeded', 'subscription.renewed']);
      expect(r.error).toBeUndefined();
    }
    const invoices = await engine.ctx.db.selectFrom('invoices').select('number').orderBy('number').execute();
    expect(invoices.map((i) => i.number)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    expect(await runner.run(engine.clock.now())).toEqual([]);
  });

  test('the wait for the write lock is not counted against a batch: 30 items wait 1 s each time, and still run 2 batches', async () => {
    await subscribers(30);
    let elapsed = 0;
    const runner = new DueWorkRunner(engine.ctx, { batchLimits: { items: 500, ms: 250 }, stopwatch: () => elapsed });
    // Every transaction the runner begins waits 1 s (by its stopwatch) for another process's lock first.
    let begun = 0;
    const original = engine.ctx.db.transaction.bind(engine.ctx.db);
    engine.ctx.db.transaction = () => {
      begun += 1;
      elapsed += 1000;
      return original();
    };
    engine.clock.set('2025-06-01T00:00:00.000Z');
    const processed = await runner.run(engine.clock.now());
    expect(processed).toHaveLength(60);
    // One batch per instant (May 1, June 1); counted from before the wait, each batch took one item: 60.
    expect(begun).toBe(2);
  });
  test('an item another process already did takes no place in the item limit: 20 done elsewhere, 10 left, one batch', async () => {
    await subscribers(30);
    const transactions = countTransactions(engine);
    engine.clock.set('2025-05-01T00:00:00.000Z');
    const runner = new DueWorkRunner(engine.ctx, { batchLimits: { items: 10, ms: 60_000 } });
    // Another process renews the first 20 after this runner read its queue, before its first batch.
    const other = new DueWorkRunner(engine.ctx, { batchLimits: { items: 20, ms: 60_000 } });
    let before = 0;
    let othersDone = false;
    const processed = await runner.run(engine.clock.now(), {
      moveClockTo: async () => {
        if (othersDone) return;
        othersDone = true;
        let batches = 0;
        await other
          .run(engine.clock.now(), {
            moveClockTo: () => (++batches > 1 ? Promise.reject(new Error('the other process stops after one batch')) : Promise.resolve()),
          })
          .catch(() => undefined);
        before = transactions.count();
      },
    });
    expect(processed.map((r) => r.kind)).toEqual(Array.from({ length: 10 }, () => 'renewal'));
    // Counting the 20 skipped items against the limit of 10 took three transactions: skip 10, skip 10, renew 10.
    expect(transactions.count() - before).toBe(1);
    // 30 first payments and 30 renewals: each subscription renewed once, by one process or the other.
    expect((await engine.payments.list({}, { page_size: 100 })).items).toHaveLength(60);
  });
});
