// Rule under test: D6 with free thresholds per period (issue 5). A plan change splits the period into
// parts, each billed at the renewal under the meters of the product it was recorded for; a meter present in
// several parts grants its free threshold once per period: part threshold = max(0, that product's
// threshold − free units already used by earlier parts of the period on the meter), a part using
// min(units, its threshold). A: 1000 free at "2"; B: 5000 free at "1".
import { afterEach, describe, expect, test } from 'vitest';
import type { Product } from '../../../src/engine/products/types.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, paymentsOf } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine?.close();
});

interface World {
  a: Product;
  b: Product;
  customerId: string;
  methodId: string;
}

/** Apr 1: A (1000 a month, calls 1,000 free at "2") and B (2000 a month, calls 5,000 free at "1"). */
async function world(): Promise<World> {
  engine = await createTestEngine('2025-04-01T00:00:00.000Z');
  const { customer, method } = await customerWithCard(engine);
  const calls = await engine.meters.create({ name: 'API calls', event_name: 'api.call', measurement_unit: 'calls', aggregation: { type: 'count' } });
  const usagePlan = (name: string, fixed: number, free: number, price: string) =>
    engine.products.create({
      name,
      tax_category: 'saas',
      price: {
        type: 'usage_based_price',
        currency: 'USD',
        fixed_price: fixed,
        payment_frequency_count: 1,
        payment_frequency_interval: 'Month',
        meters: [{ meter_id: calls.meter_id, price_per_unit: price, free_threshold: free }],
      },
    });
  const a = await usagePlan('A', 1000, 1000, '2');
  const b = await usagePlan('B', 2000, 5000, '1');
  return { a, b, customerId: customer.customer_id, methodId: method.payment_method_id };
}

async function subscribe(w: World, product: Product): Promise<string> {
  const { subscription } = await engine.subscriptions.create({
    customer_id: w.customerId,
    payment_method_id: w.methodId,
    product_id: product.product_id,
    quantity: 1,
  });
  return subscription.subscription_id;
}

let batch = 0;
/** `n` api.call events at the clock's now, after moving it to `when`. */
async function callsAt(w: World, when: string, n: number): Promise<void> {
  await engine.testClock.advance({ to: when });
  batch += 1;
  for (let start = 0; start < n; start += 1000) {
    const size = Math.min(1000, n - start);
    await engine.usage.ingest(
      Array.from({ length: size }, (_, i) => ({ event_id: `b${batch}-${start + i}`, customer_id: w.customerId, event_name: 'api.call' })),
    );
  }
}

async function switchTo(id: string, product: Product, when: string): Promise<void> {
  await engine.testClock.advance({ to: when });
  await engine.planChanges.change(id, { product_id: product.product_id, quantity: 1, proration_billing_mode: 'do_not_bill' });
}

/** April's meter lines as billed by the May 1 renewal: [product, consumed, free_threshold, chargeable, amount]. */
async function aprilLines(id: string) {
  const history = await engine.usage.history(id);
  const april = history.periods.find((p) => p.start_date === '2025-04-01T00:00:00.000Z');
  expect(april?.is_current).toBe(false);
  return april?.meters.map((m) => [m.product_id, m.consumed_units, m.free_threshold, m.chargeable_units, m.amount]);
}

describe('free thresholds reset per period, not per plan-change part', () => {
  test('A: 800 calls → upgrade Apr 11 → B: 3,000 calls. A part 0; B part threshold 5000 − 800 = 4200, 0. May 1 bills B’s 2000 only', async () => {
    batch = 0;
    const w = await world();
    const id = await subscribe(w, w.a);
    await callsAt(w, '2025-04-05T00:00:00.000Z', 800);
    await switchTo(id, w.b, '2025-04-11T00:00:00.000Z');
    await callsAt(w, '2025-04-20T00:00:00.000Z', 3000);
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await aprilLines(id)).toEqual([
      [w.a.product_id, 800, 1000, 0, 0],
      [w.b.product_id, 3000, 4200, 0, 0],
    ]);
    expect((await paymentsOf(engine, id)).at(-1)).toEqual(['2025-05-01', 2000, 'succeeded']);
  });

  test('B: 4,000 calls → downgrade Apr 11 → A: 500 calls. A part threshold max(0, 1000 − 4000) = 0 → 500 × 2 = 1000; May 1 bills 1000 + 1000', async () => {
    batch = 0;
    const w = await world();
    const id = await subscribe(w, w.b);
    await callsAt(w, '2025-04-05T00:00:00.000Z', 4000);
    await switchTo(id, w.a, '2025-04-11T00:00:00.000Z');
    await callsAt(w, '2025-04-20T00:00:00.000Z', 500);
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await aprilLines(id)).toEqual([
      [w.b.product_id, 4000, 5000, 0, 0],
      [w.a.product_id, 500, 0, 500, 1000],
    ]);
    expect((await paymentsOf(engine, id)).at(-1)).toEqual(['2025-05-01', 2000, 'succeeded']);
    const lines = await engine.payments.lineItems((await engine.payments.list({ subscription_id: id })).items[0]?.payment_id ?? '');
    expect(lines.items.map((l) => [l.kind, l.amount])).toEqual([
      ['product', 1000],
      ['meter', 0],
      ['meter', 1000],
    ]);
    expect(lines.items[2]?.name).toBe('API calls, 2025-04-01 to 2025-05-01: 500 calls, 0 free, 500 × 2');
    // May is a new period: A's 1,000 free calls are back.
    await callsAt(w, '2025-05-10T00:00:00.000Z', 1200);
    await engine.testClock.advance({ to: '2025-06-01T00:00:00.000Z' });
    expect((await paymentsOf(engine, id)).at(-1)).toEqual(['2025-06-01', 1400, 'succeeded']);
  });

  test('three parts, A → B → A: 800, then 3,000 (B threshold 4200), then 500 with A threshold max(0, 1000 − 3800) = 0 → 1000', async () => {
    batch = 0;
    const w = await world();
    const id = await subscribe(w, w.a);
    await callsAt(w, '2025-04-05T00:00:00.000Z', 800);
    await switchTo(id, w.b, '2025-04-11T00:00:00.000Z');
    await callsAt(w, '2025-04-15T00:00:00.000Z', 3000);
    await switchTo(id, w.a, '2025-04-21T00:00:00.000Z');
    await callsAt(w, '2025-04-25T00:00:00.000Z', 500);
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await aprilLines(id)).toEqual([
      [w.a.product_id, 800, 1000, 0, 0],
      [w.b.product_id, 3000, 4200, 0, 0],
      [w.a.product_id, 500, 0, 500, 1000],
    ]);
    expect((await paymentsOf(engine, id)).at(-1)).toEqual(['2025-05-01', 2000, 'succeeded']);
  });

  test('a part that uses only some of the allowance leaves the rest: A 300 → B: threshold 4700, 4,900 calls → 200 × 1 = 200', async () => {
    batch = 0;
    const w = await world();
    const id = await subscribe(w, w.a);
    await callsAt(w, '2025-04-05T00:00:00.000Z', 300);
    await switchTo(id, w.b, '2025-04-11T00:00:00.000Z');
    await callsAt(w, '2025-04-20T00:00:00.000Z', 4900);
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await aprilLines(id)).toEqual([
      [w.a.product_id, 300, 1000, 0, 0],
      [w.b.product_id, 4900, 4700, 200, 200],
    ]);
    expect((await paymentsOf(engine, id)).at(-1)).toEqual(['2025-05-01', 2200, 'succeeded']);
  });
});

// Rule under test: preview_subscription_plan_change and change_subscription_plan carry `usage`: the meter
// usage of the current part of the period so far, under the current product's meters (consumed and
// chargeable units, free threshold left this period, price per unit, amount) and when it is billed — the
// next renewal (D6), or now when the change restarts the cycle, which then bills the closed period's usage
// with its own charge (meter lines), so no usage is lost and none is billed twice.
describe('plan-change previews and results show the usage the change leaves to bill', () => {
  test('A since Apr 1, 2,500 calls by Apr 20: preview and change show 1,500 chargeable × 2 = 3000 billed May 1; May 1 bills exactly that', async () => {
    batch = 0;
    const w = await world();
    const id = await subscribe(w, w.a);
    await callsAt(w, '2025-04-19T00:00:00.000Z', 2500);
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    const body = { product_id: w.b.product_id, quantity: 1, proration_billing_mode: 'prorated_immediately' as const };
    const preview = await engine.planChanges.preview(id, body);
    const expected = {
      product_id: w.a.product_id,
      start_date: '2025-04-01T00:00:00.000Z',
      end_date: '2025-04-20T00:00:00.000Z',
      billed_at: '2025-05-01T00:00:00.000Z',
      meters: [
        {
          meter_id: 'mtr_0001',
          name: 'API calls',
          measurement_unit: 'calls',
          product_id: w.a.product_id,
          consumed_units: 2500,
          chargeable_units: 1500,
          free_threshold: 1000,
          price_per_unit: '2',
          amount: 3000,
        },
      ],
      total_amount: 3000,
    };
    expect(preview.usage).toEqual(expected);
    // The usage is not part of the immediate charge: only the prorated fixed fee, 11 of 30 days left:
    // B 2000 × 0.366667 = 733, unused A 1000 × 0.366667 = −367: 366 (D2, a line each).
    expect(preview.immediate_charge.line_items.map((l) => [l.type, l.amount])).toEqual([
      ['subscription', 733],
      ['subscription', -367],
    ]);
    expect(preview.immediate_charge.summary.total_amount).toBe(366);
    const result = await engine.planChanges.change(id, body);
    expect(result).toMatchObject({ status: 'applied', amount_charged: 366 });
    expect(result.usage).toEqual(expected);

    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await aprilLines(id)).toEqual([
      [w.a.product_id, 2500, 1000, 1500, 3000],
      [w.b.product_id, 0, 4000, 0, 0],
    ]);
    expect((await paymentsOf(engine, id)).at(-1)).toEqual(['2025-05-01', 5000, 'succeeded']);
  });

  test('after A → B on Apr 11 (800 calls on A), preview B → A on Apr 20 shows B’s part: 3,000 calls, 4,200 free left, 0', async () => {
    batch = 0;
    const w = await world();
    const id = await subscribe(w, w.a);
    await callsAt(w, '2025-04-05T00:00:00.000Z', 800);
    await switchTo(id, w.b, '2025-04-11T00:00:00.000Z');
    await callsAt(w, '2025-04-19T00:00:00.000Z', 3000);
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    const preview = await engine.planChanges.preview(id, { product_id: w.a.product_id, quantity: 1, proration_billing_mode: 'do_not_bill' });
    expect(preview.usage).toMatchObject({
      product_id: w.b.product_id,
      start_date: '2025-04-11T00:00:00.000Z',
      end_date: '2025-04-20T00:00:00.000Z',
      billed_at: '2025-05-01T00:00:00.000Z',
      total_amount: 0,
    });
    expect(preview.usage?.meters.map((m) => [m.consumed_units, m.free_threshold, m.chargeable_units, m.price_per_unit, m.amount])).toEqual([
      [3000, 4200, 0, '1', 0],
    ]);
  });

  test('a change scheduled for next_billing_date: the usage so far is billed at that renewal, under the current product', async () => {
    batch = 0;
    const w = await world();
    const id = await subscribe(w, w.b);
    await callsAt(w, '2025-04-19T00:00:00.000Z', 5300);
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    const result = await engine.planChanges.change(id, {
      product_id: w.a.product_id,
      quantity: 1,
      proration_billing_mode: 'prorated_immediately',
      effective_at: 'next_billing_date',
    });
    expect(result).toMatchObject({ status: 'scheduled', amount_charged: 0 });
    expect(result.usage).toMatchObject({ product_id: w.b.product_id, billed_at: '2025-05-01T00:00:00.000Z', total_amount: 300 });
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    // May 1: A's fixed 1000 (the scheduled change applied) + B's April usage 300 × 1.
    expect((await paymentsOf(engine, id)).at(-1)).toEqual(['2025-05-01', 1300, 'succeeded']);
  });

  test('a recurring (not usage-based) subscription has usage null', async () => {
    batch = 0;
    const w = await world();
    const basic = await engine.products.create({
      name: 'Basic',
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
    });
    const id = await subscribe(w, basic);
    const preview = await engine.planChanges.preview(id, { product_id: w.a.product_id, quantity: 1, proration_billing_mode: 'do_not_bill' });
    expect(preview.usage).toBeNull();
    expect(
      (await engine.planChanges.change(id, { product_id: w.a.product_id, quantity: 1, proration_billing_mode: 'do_not_bill' })).usage,
    ).toBeNull();
  });

  test('full_immediately restarts the cycle on Apr 11: it bills April’s 2,500 calls now (2000 + 3000); the new period Apr 11 – May 11 starts with B’s 5,000 free', async () => {
    batch = 0;
    const w = await world();
    const id = await subscribe(w, w.a);
    await callsAt(w, '2025-04-05T00:00:00.000Z', 2500);
    await engine.testClock.advance({ to: '2025-04-11T00:00:00.000Z' });
    const body = { product_id: w.b.product_id, quantity: 1, proration_billing_mode: 'full_immediately' as const };
    const preview = await engine.planChanges.preview(id, body);
    expect(preview.usage).toMatchObject({ product_id: w.a.product_id, billed_at: '2025-04-11T00:00:00.000Z', total_amount: 3000 });
    expect(preview.immediate_charge.line_items.map((l) => [l.type, l.id, l.amount, l.total])).toEqual([
      ['subscription', w.b.product_id, 2000, 2000],
      ['meter', 'mtr_0001', 3000, 3000],
    ]);
    expect(preview.immediate_charge.summary).toMatchObject({ subtotal: 5000, total_amount: 5000 });

    const result = await engine.planChanges.change(id, body);
    expect(result).toMatchObject({ status: 'applied', amount_charged: 5000 });
    expect(result.subscription).toMatchObject({ previous_billing_date: '2025-04-11T00:00:00.000Z', next_billing_date: '2025-05-11T00:00:00.000Z' });
    const lines = await engine.payments.lineItems(result.payment_id ?? '');
    expect(lines.items.map((l) => [l.kind, l.amount])).toEqual([
      ['product', 2000],
      ['meter', 3000],
    ]);

    await callsAt(w, '2025-04-20T00:00:00.000Z', 5100);
    await engine.testClock.advance({ to: '2025-05-11T00:00:00.000Z' });
    const history = await engine.usage.history(id);
    expect(history.periods.map((p) => [p.start_date, p.end_date, p.is_current, p.total_amount])).toEqual([
      ['2025-04-01T00:00:00.000Z', '2025-04-11T00:00:00.000Z', false, 3000],
      ['2025-04-11T00:00:00.000Z', '2025-05-11T00:00:00.000Z', false, 100],
      ['2025-05-11T00:00:00.000Z', '2025-06-11T00:00:00.000Z', true, 0],
    ]);
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 1000, 'succeeded'],
      ['2025-04-11', 5000, 'succeeded'],
      ['2025-05-11', 2100, 'succeeded'],
    ]);
  });

  test('a declined reset with prevent_change keeps the period open: nothing recorded, April’s usage stays for May 1', async () => {
    batch = 0;
    const w = await world();
    const id = await subscribe(w, w.a);
    await callsAt(w, '2025-04-05T00:00:00.000Z', 2500);
    await engine.testClock.advance({ to: '2025-04-11T00:00:00.000Z' });
    await engine.customers.setPaymentMethodFailure(w.methodId, 'CARD_DECLINED');
    const result = await engine.planChanges.change(id, {
      product_id: w.b.product_id,
      quantity: 1,
      proration_billing_mode: 'full_immediately',
      on_payment_failure: 'prevent_change',
    });
    expect(result).toMatchObject({ status: 'not_applied', amount_charged: 0 });
    expect((await paymentsOf(engine, id)).at(-1)).toEqual(['2025-04-11', 5000, 'failed']);
    const history = await engine.usage.history(id);
    expect(history.periods.map((p) => [p.start_date, p.is_current, p.total_amount])).toEqual([['2025-04-01T00:00:00.000Z', true, 3000]]);
  });
});
