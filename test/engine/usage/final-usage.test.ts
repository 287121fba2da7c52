// Rule under test: SPEC §2.3 endings of a usage-based subscription bill the usage of the period they close
// (§2.7 in arrears; issue 5). At a scheduled cancellation (D11) or a term end, the usage of
// [previous_billing_date, next_billing_date) is charged in the transaction that cancels/expires: meter lines
// only (no fixed fee, no period starts), the code as on a renewal's meter lines (no cycle spent), then
// credits and tax (D4); recorded for get_usage_history; payment.* before subscription.cancelled|expired.
// Immediate cancel bills [previous_billing_date, cancelled_at). Meters billing 0 → no payment, lines still
// recorded. A declined final charge still ends the subscription. Nothing is billed twice: re-running the
// due work, or ending an on_hold subscription whose failed renewal already billed the period.
import { afterEach, describe, expect, test } from 'vitest';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, eventTypes, lastSequence, paymentsOf } from '../../support/subscription-fixtures.js';
import { usagePlan } from '../../support/usage-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine?.close();
});

interface Options {
  term?: { count: number; interval: 'Month' };
  code?: { amount: number; subscription_cycles?: number };
}

/** Apr 1: API plan, 1000 a month + calls (1,000 free at "2") + images (sum of count, 10 free at "5"). */
async function subscribe(options: Options = {}) {
  engine = await createTestEngine('2025-04-01T00:00:00.000Z');
  const { customer, method } = await customerWithCard(engine);
  const { calls, images, product } = await usagePlan(engine, { term: options.term });
  if (options.code) {
    await engine.discounts.create({
      code: 'SAVE',
      type: 'percentage',
      amount: options.code.amount,
      ...(options.code.subscription_cycles !== undefined && { subscription_cycles: options.code.subscription_cycles }),
    });
  }
  const { subscription } = await engine.subscriptions.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_id: product.product_id,
    quantity: 1,
    ...(options.code && { discount_code: 'SAVE' }),
  });
  return { id: subscription.subscription_id, customer, method, product, calls, images };
}

/** `n` api.call events for the customer at the clock's now. */
async function callEvents(customerId: string, prefix: string, n: number): Promise<void> {
  for (let start = 0; start < n; start += 1000) {
    const size = Math.min(1000, n - start);
    await engine.usage.ingest(
      Array.from({ length: size }, (_, i) => ({ event_id: `${prefix}-${start + i}`, customer_id: customerId, event_name: 'api.call' })),
    );
  }
}

async function imageEvents(customerId: string, prefix: string, count: number): Promise<void> {
  await engine.usage.ingest([{ event_id: `${prefix}-img`, customer_id: customerId, event_name: 'image.generated', metadata: { count } }]);
}

async function usageRows(subscriptionId: string) {
  return engine.ctx.db
    .selectFrom('subscription_usage_lines')
    .select(['period_start', 'period_end', 'meter_id', 'consumed_units', 'amount', 'payment_id'])
    .where('subscription_id', '=', subscriptionId)
    .orderBy('period_start')
    .orderBy('position')
    .execute();
}

const at = (iso: string) => Date.parse(iso);

describe('scheduled cancellation (D11) bills the closing period’s usage', () => {
  test('Apr: 2,500 calls + 25 images, cancel set Apr 15 → May 1: payment 3000 + 75 (no fixed fee), then cancelled; history shows April billed', async () => {
    const { id, customer, calls, images } = await subscribe();
    await engine.testClock.advance({ to: '2025-04-10T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'apr', 2500);
    await imageEvents(customer.customer_id, 'apr', 25);
    await engine.testClock.advance({ to: '2025-04-15T00:00:00.000Z' });
    await engine.subscriptions.update(id, { cancel_at_next_billing_date: true });
    const mark = await lastSequence(engine);

    const may = await engine.testClock.advance({ to: '2025-05-02T00:00:00.000Z' });
    expect(may.processed).toEqual([
      {
        at: '2025-05-01T00:00:00.000Z',
        subscription_id: id,
        kind: 'scheduled_cancellation',
        payment_id: 'pay_0002',
        amount: 3075,
        status_before: 'active',
        status_after: 'cancelled',
        events: ['payment.processing', 'payment.succeeded', 'subscription.cancelled'],
      },
    ]);
    expect(await eventTypes(engine, mark)).toEqual(['payment.processing', 'payment.succeeded', 'subscription.cancelled']);
    expect(await engine.subscriptions.get(id)).toMatchObject({ status: 'cancelled', cancelled_at: '2025-05-01T00:00:00.000Z' });
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 1000, 'succeeded'],
      ['2025-05-01', 3075, 'succeeded'],
    ]);
    const lines = await engine.payments.lineItems('pay_0002');
    expect(lines.items.map((l) => [l.kind, l.item_id, l.amount])).toEqual([
      ['meter', calls.meter_id, 3000],
      ['meter', images.meter_id, 75],
    ]);
    expect(lines.items[0]?.name).toBe('API calls, 2025-04-01 to 2025-05-01: 2500 calls, 1000 free, 1500 × 2');
    const invoice = await engine.payments.invoice('pay_0002');
    expect(invoice).toMatchObject({ total_amount: 3075, period: { start: '2025-04-01T00:00:00.000Z', end: '2025-05-01T00:00:00.000Z' } });

    const history = await engine.usage.history(id);
    expect(
      history.periods.map((p) => [
        p.start_date,
        p.end_date,
        p.is_current,
        p.total_amount,
        p.meters.map((m) => [m.consumed_units, m.chargeable_units, m.amount]),
      ]),
    ).toEqual([
      [
        '2025-04-01T00:00:00.000Z',
        '2025-05-01T00:00:00.000Z',
        false,
        3075,
        [
          [2500, 1500, 3000],
          [25, 15, 75],
        ],
      ],
    ]);
    expect((await usageRows(id)).map((r) => r.payment_id)).toEqual(['pay_0002', 'pay_0002']);

    // Idempotent: running the due work again (or advancing further) bills nothing more.
    expect(await engine.dueWork.run(at('2025-05-02T00:00:00.000Z'))).toEqual([]);
    expect((await engine.testClock.advance({ by: { months: 2 } })).processed).toEqual([]);
    expect(await paymentsOf(engine, id)).toHaveLength(2);
    expect(await usageRows(id)).toHaveLength(2);
  });

  test('meters billing 0 in total (500 calls, 1,000 free): no payment, the lines are still recorded with payment null', async () => {
    const { id, customer } = await subscribe();
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'apr', 500);
    await engine.subscriptions.update(id, { cancel_at_next_billing_date: true });
    const may = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(may.processed).toEqual([
      expect.objectContaining({ kind: 'scheduled_cancellation', status_after: 'cancelled', events: ['subscription.cancelled'] }),
    ]);
    expect(may.processed[0]).not.toHaveProperty('payment_id');
    expect(await paymentsOf(engine, id)).toEqual([['2025-04-01', 1000, 'succeeded']]);
    expect(await usageRows(id)).toEqual([
      expect.objectContaining({
        period_start: at('2025-04-01T00:00:00.000Z'),
        period_end: at('2025-05-01T00:00:00.000Z'),
        consumed_units: '500',
        amount: 0,
        payment_id: null,
      }),
      expect.objectContaining({ consumed_units: '0', amount: 0, payment_id: null }),
    ]);
    const history = await engine.usage.history(id);
    expect(history.periods.map((p) => [p.start_date, p.is_current, p.total_amount])).toEqual([['2025-04-01T00:00:00.000Z', false, 0]]);
  });

  test('a declined final charge is a failed payment, and the subscription is cancelled all the same', async () => {
    const { id, customer, method } = await subscribe();
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'apr', 1100);
    await engine.subscriptions.update(id, { cancel_at_next_billing_date: true });
    await engine.customers.setPaymentMethodFailure(method.payment_method_id, 'CARD_DECLINED');
    const may = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(may.processed).toEqual([
      expect.objectContaining({
        kind: 'scheduled_cancellation',
        amount: 200,
        status_after: 'cancelled',
        events: ['payment.processing', 'payment.failed', 'subscription.cancelled'],
      }),
    ]);
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 1000, 'succeeded'],
      ['2025-05-01', 200, 'failed'],
    ]);
    expect(await engine.subscriptions.get(id)).toMatchObject({ status: 'cancelled', cancelled_at: '2025-05-01T00:00:00.000Z' });
    expect((await engine.usage.history(id)).periods.map((p) => [p.is_current, p.total_amount])).toEqual([[false, 200]]);
  });

  test('the code applies as to a renewal’s meter lines and spends no cycle: 20 % with 3 cycles → 3000 − 600 = 2400, 2 cycles left', async () => {
    const { id, customer } = await subscribe({ code: { amount: 2000, subscription_cycles: 3 } });
    // The first charge (1000 − 200) used cycle 1 of 3.
    expect(await paymentsOf(engine, id)).toEqual([['2025-04-01', 800, 'succeeded']]);
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'apr', 2500);
    await engine.subscriptions.update(id, { cancel_at_next_billing_date: true });
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 800, 'succeeded'],
      ['2025-05-01', 2400, 'succeeded'],
    ]);
    const [calls] = (await engine.payments.lineItems('pay_0002')).items;
    expect(calls).toMatchObject({ kind: 'meter', amount: 2400 });
    expect(await engine.subscriptions.get(id)).toMatchObject({ status: 'cancelled', discount_cycles_remaining: 2 });
  });
});

describe('term end (expiry) bills the closing period’s usage', () => {
  test('2-month term from Apr 1: May 1 renews (1000 + April usage 400); Jun 1 bills May’s 1,500 calls (1000) and expires', async () => {
    const { id, customer } = await subscribe({ term: { count: 2, interval: 'Month' } });
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'apr', 1200);
    await engine.testClock.advance({ to: '2025-05-20T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'may', 1500);
    const mark = await lastSequence(engine);
    const june = await engine.testClock.advance({ to: '2025-06-02T00:00:00.000Z' });
    expect(june.processed).toEqual([
      {
        at: '2025-06-01T00:00:00.000Z',
        subscription_id: id,
        kind: 'expiry',
        payment_id: 'pay_0003',
        amount: 1000,
        status_before: 'active',
        status_after: 'expired',
        events: ['payment.processing', 'payment.succeeded', 'subscription.expired'],
      },
    ]);
    expect(await eventTypes(engine, mark)).toEqual(['payment.processing', 'payment.succeeded', 'subscription.expired']);
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 1000, 'succeeded'],
      ['2025-05-01', 1400, 'succeeded'],
      ['2025-06-01', 1000, 'succeeded'],
    ]);
    const history = await engine.usage.history(id);
    expect(history.periods.map((p) => [p.start_date, p.end_date, p.is_current, p.total_amount])).toEqual([
      ['2025-04-01T00:00:00.000Z', '2025-05-01T00:00:00.000Z', false, 400],
      ['2025-05-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z', false, 1000],
    ]);
    expect((await engine.testClock.advance({ by: { months: 1 } })).processed).toEqual([]);
  });
});

describe('immediate cancellation bills [previous_billing_date, cancelled_at)', () => {
  test('2,500 calls by Apr 20, cancel Apr 20 12:00 → payment 3000 (images 0) then subscription.cancelled; calls after it are not billed', async () => {
    const { id, customer } = await subscribe();
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'apr', 2500);
    await engine.testClock.advance({ to: '2025-04-20T12:00:00.000Z' });
    const mark = await lastSequence(engine);
    const cancelled = await engine.subscriptions.cancel(id);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_at: '2025-04-20T12:00:00.000Z' });
    expect(await eventTypes(engine, mark)).toEqual(['payment.processing', 'payment.succeeded', 'subscription.cancelled']);
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 1000, 'succeeded'],
      ['2025-04-20', 3000, 'succeeded'],
    ]);
    expect((await engine.payments.lineItems('pay_0002')).items.map((l) => [l.kind, l.amount])).toEqual([
      ['meter', 3000],
      ['meter', 0],
    ]);
    await callEvents(customer.customer_id, 'late', 10);
    expect((await engine.testClock.advance({ by: { months: 1 } })).processed).toEqual([]);
    const history = await engine.usage.history(id);
    expect(history.periods.map((p) => [p.start_date, p.end_date, p.is_current, p.total_amount, p.meters.map((m) => m.consumed_units)])).toEqual([
      ['2025-04-01T00:00:00.000Z', '2025-04-20T12:00:00.000Z', false, 3000, [2500, 0]],
    ]);
  });

  test('on_hold after a failed renewal that billed April: cancelling bills April’s usage no second time', async () => {
    const { id, customer, method } = await subscribe();
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'apr', 1500);
    await engine.customers.setPaymentMethodFailure(method.payment_method_id, 'CARD_DECLINED');
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await engine.subscriptions.get(id)).toMatchObject({ status: 'on_hold', outstanding_amount: 2000 });
    await engine.testClock.advance({ to: '2025-05-10T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'may', 300);
    const mark = await lastSequence(engine);
    await engine.subscriptions.cancel(id);
    expect(await eventTypes(engine, mark)).toEqual(['subscription.cancelled']);
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 1000, 'succeeded'],
      ['2025-05-01', 2000, 'failed'],
    ]);
    expect((await engine.usage.history(id)).periods.map((p) => [p.start_date, p.total_amount])).toEqual([['2025-04-01T00:00:00.000Z', 1000]]);
  });

  test('two subscriptions share the meter: the older bills up to its cancellation, the newer only from there (no usage billed twice)', async () => {
    const { id: older, customer, method, product } = await subscribe();
    await engine.testClock.advance({ to: '2025-04-02T00:00:00.000Z' });
    const { subscription } = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: product.product_id,
      quantity: 1,
    });
    const newer = subscription.subscription_id;
    await engine.testClock.advance({ to: '2025-04-05T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'early', 1100);
    await engine.testClock.advance({ to: '2025-04-10T00:00:00.000Z' });
    // The older subscription owns the calls (attribution) and bills Apr 1–10: 100 × 2 = 200.
    await engine.subscriptions.cancel(older);
    expect((await paymentsOf(engine, older)).at(-1)).toEqual(['2025-04-10', 200, 'succeeded']);
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    await callEvents(customer.customer_id, 'late', 300);
    await engine.testClock.advance({ to: '2025-05-02T00:00:00.000Z' });
    // The newer one's period Apr 2 – May 2 bills its calls from Apr 10 only: 300, under the 1,000 free.
    expect((await paymentsOf(engine, newer)).at(-1)).toEqual(['2025-05-02', 1000, 'succeeded']);
    const history = await engine.usage.history(newer);
    expect(history.periods[0]?.meters.map((m) => [m.meter_id, m.consumed_units, m.amount])).toEqual([
      ['mtr_0001', 300, 0],
      ['mtr_0002', 0, 0],
    ]);
  });

  test('a recurring (not usage-based) subscription: cancel makes no payment and records no usage', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const basic = await engine.products.create({
      name: 'Basic',
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
    });
    const { subscription } = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: basic.product_id,
      quantity: 1,
    });
    const mark = await lastSequence(engine);
    engine.clock.set('2025-04-20T00:00:00.000Z');
    await engine.subscriptions.cancel(subscription.subscription_id);
    expect(await eventTypes(engine, mark)).toEqual(['subscription.cancelled']);
    expect(await usageRows(subscription.subscription_id)).toEqual([]);
  });
});
