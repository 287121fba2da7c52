// Rule under test: SPEC §2.3 renewals on the calendar — the first period is charged at creation, each
// renewal at next_billing_date charges the next period (previous := old next), periods count from the
// anchor day with month-end clamping (Jan 31 → Feb 28 → Mar 31 → Apr 30; Feb 29 in a leap year), the
// test clock walks stepwise through every due instant, and running the due work twice bills once.
import { afterEach, describe, expect, test } from 'vitest';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, paymentsOf, plan } from '../../support/subscription-fixtures.js';
import type { Interval } from '../../../src/engine/products/types.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

async function subscribe(start: string, options: { price?: number; every?: number; interval?: Interval } = {}) {
  engine = await createTestEngine(start);
  const { customer, method } = await customerWithCard(engine);
  const product = await plan(engine, options);
  const created = await engine.subscriptions.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_id: product.product_id,
    quantity: 1,
  });
  return created.subscription.subscription_id;
}

describe('SPEC §2.3 renewal timeline', () => {
  test('subscribe Apr 1 → advance to May 1 → charged 3000, next 06-01', async () => {
    const id = await subscribe('2025-04-01T00:00:00.000Z');
    expect(await engine.subscriptions.get(id)).toMatchObject({
      status: 'active',
      recurring_pre_tax_amount: 3000,
      previous_billing_date: '2025-04-01T00:00:00.000Z',
      next_billing_date: '2025-05-01T00:00:00.000Z',
    });

    const advanced = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(advanced).toMatchObject({ from: '2025-04-01T00:00:00.000Z', to: '2025-05-01T00:00:00.000Z' });
    expect(advanced.processed).toEqual([
      {
        at: '2025-05-01T00:00:00.000Z',
        subscription_id: id,
        kind: 'renewal',
        payment_id: 'pay_0002',
        amount: 3000,
        status_before: 'active',
        status_after: 'active',
        events: ['payment.processing', 'payment.succeeded', 'subscription.renewed'],
      },
    ]);
    expect(advanced.events).toEqual(['payment.processing', 'payment.succeeded', 'subscription.renewed']);
    expect(await engine.subscriptions.get(id)).toMatchObject({
      previous_billing_date: '2025-05-01T00:00:00.000Z',
      next_billing_date: '2025-06-01T00:00:00.000Z',
    });
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-05-01', 3000, 'succeeded'],
    ]);
  });

  test('the renewal invoice shows the period it pays for: 05-01 → 06-01', async () => {
    const id = await subscribe('2025-04-01T00:00:00.000Z');
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    const invoice = await engine.payments.invoice('pay_0002');
    expect(invoice).toMatchObject({
      subscription_id: id,
      total_amount: 3000,
      issued_at: '2025-05-01T00:00:00.000Z',
      period: { start: '2025-05-01T00:00:00.000Z', end: '2025-06-01T00:00:00.000Z' },
    });
  });

  test('one advance of 3 months stops at each billing date: payments dated 05-01, 06-01, 07-01', async () => {
    const id = await subscribe('2025-04-01T00:00:00.000Z');
    const advanced = await engine.testClock.advance({ by: { months: 3, days: 2 } });
    expect(advanced.to).toBe('2025-07-03T00:00:00.000Z');
    expect(advanced.processed.map((r) => [r.at, r.kind, r.amount])).toEqual([
      ['2025-05-01T00:00:00.000Z', 'renewal', 3000],
      ['2025-06-01T00:00:00.000Z', 'renewal', 3000],
      ['2025-07-01T00:00:00.000Z', 'renewal', 3000],
    ]);
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-05-01', 3000, 'succeeded'],
      ['2025-06-01', 3000, 'succeeded'],
      ['2025-07-01', 3000, 'succeeded'],
    ]);
    expect((await engine.subscriptions.get(id)).next_billing_date).toBe('2025-08-01T00:00:00.000Z');
  });

  test.each([
    [
      'Jan 31 anchor, common year: Feb 28 → Mar 31 → Apr 30 → May 31',
      '2025-01-31T10:00:00.000Z',
      ['2025-02-28T10:00:00.000Z', '2025-03-31T10:00:00.000Z', '2025-04-30T10:00:00.000Z', '2025-05-31T10:00:00.000Z'],
    ],
    [
      'Jan 31 anchor, leap year 2024: Feb 29 → Mar 31 → Apr 30 → May 31',
      '2024-01-31T00:00:00.000Z',
      ['2024-02-29T00:00:00.000Z', '2024-03-31T00:00:00.000Z', '2024-04-30T00:00:00.000Z', '2024-05-31T00:00:00.000Z'],
    ],
    [
      'Mar 31 anchor: Apr 30 → May 31 → Jun 30 → Jul 31 (never drifts to the 30th)',
      '2025-03-31T00:00:00.000Z',
      ['2025-04-30T00:00:00.000Z', '2025-05-31T00:00:00.000Z', '2025-06-30T00:00:00.000Z', '2025-07-31T00:00:00.000Z'],
    ],
  ])('%s', async (_name, start, renewals) => {
    const id = await subscribe(start);
    const advanced = await engine.testClock.advance({ to: renewals[3] });
    expect(advanced.processed.map((r) => r.at)).toEqual(renewals);
    expect(advanced.processed.every((r) => r.amount === 3000)).toBe(true);
    // After the 4th renewal the period is [renewals[3], next) with next a 5th month-end-clamped date.
    expect((await engine.subscriptions.get(id)).previous_billing_date).toBe(renewals[3]);
  });

  test('Feb 29 2024 anchor, yearly: renews Feb 28 2025, Feb 28 2026, Feb 29 2028', async () => {
    const id = await subscribe('2024-02-29T00:00:00.000Z', { price: 30_000, interval: 'Year' });
    const advanced = await engine.testClock.advance({ to: '2028-02-29T00:00:00.000Z' });
    expect(advanced.processed.map((r) => r.at)).toEqual([
      '2025-02-28T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
      '2027-02-28T00:00:00.000Z',
      '2028-02-29T00:00:00.000Z',
    ]);
    expect((await engine.subscriptions.get(id)).next_billing_date).toBe('2029-02-28T00:00:00.000Z');
  });

  test('every 2 Week: 14-day periods', async () => {
    const id = await subscribe('2025-04-01T00:00:00.000Z', { every: 2, interval: 'Week' });
    const advanced = await engine.testClock.advance({ by: { days: 28 } });
    expect(advanced.processed.map((r) => r.at)).toEqual(['2025-04-15T00:00:00.000Z', '2025-04-29T00:00:00.000Z']);
    expect((await engine.subscriptions.get(id)).next_billing_date).toBe('2025-05-13T00:00:00.000Z');
  });
});

describe('idempotency: (subscription, period, kind) is claimed in the charge transaction', () => {
  test('running the due work twice at May 1 bills the renewal once', async () => {
    const id = await subscribe('2025-04-01T00:00:00.000Z');
    engine.clock.set('2025-05-01T00:00:00.000Z');
    const first = await engine.dueWork.run(engine.clock.now());
    const second = await engine.dueWork.run(engine.clock.now());
    expect(first.map((r) => [r.kind, r.amount])).toEqual([['renewal', 3000]]);
    expect(second).toEqual([]);
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-05-01', 3000, 'succeeded'],
    ]);
    const runs = await engine.ctx.db.selectFrom('subscription_period_runs').selectAll().execute();
    expect(runs).toEqual([
      { subscription_id: id, period_index: 1, kind: 'renewal', payment_id: 'pay_0002', ran_at: Date.parse('2025-05-01T00:00:00.000Z') },
    ]);
  });

  test('a claimed period is never billed again, even if the dates were rolled back by hand', async () => {
    const id = await subscribe('2025-04-01T00:00:00.000Z');
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    // Simulate a crash that left the subscription's dates behind its ledger: the claim still protects period 1.
    await engine.ctx.db
      .updateTable('subscriptions')
      .set({ period_index: 0, previous_billing_date: Date.parse('2025-04-01T00:00:00Z'), next_billing_date: Date.parse('2025-05-01T00:00:00Z') })
      .execute();
    expect(await engine.dueWork.run(engine.clock.now())).toEqual([]);
    expect(await paymentsOf(engine, id)).toHaveLength(2);
  });

  test('the timer path: run(now) long after several billing dates catches up in order, each once', async () => {
    const id = await subscribe('2025-04-01T00:00:00.000Z');
    engine.clock.set('2025-07-15T00:00:00.000Z');
    const results = await engine.dueWork.run(engine.clock.now());
    expect(results.map((r) => r.at)).toEqual(['2025-05-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z', '2025-07-01T00:00:00.000Z']);
    expect(await engine.dueWork.run(engine.clock.now())).toEqual([]);
    expect(await engine.subscriptions.get(id)).toMatchObject({
      previous_billing_date: '2025-07-01T00:00:00.000Z',
      next_billing_date: '2025-08-01T00:00:00.000Z',
    });
  });
});
