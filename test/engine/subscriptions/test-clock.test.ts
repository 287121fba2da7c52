// Rule under test: the test clock (SPEC D14, DESIGN "A test clock is part of the product") — it reports
// now, offset and the next due instant; it only moves forward (INVALID_REQUEST_PARAMETERS), takes exactly
// one of to/by (INVALID_REQUEST_BODY), counts months on the calendar, walks stepwise through due work in
// time order (a scheduled plan change applies before its renewal bills, SPEC §3 G), and the default
// engine clock keeps its offset across restarts.
import { afterEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../../src/engine/db/database.js';
import { BillingError } from '../../../src/engine/errors.js';
import { sequentialIds } from '../../../src/engine/ids.js';
import { createEngine, type Engine } from '../../../src/engine/index.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, paymentsOf, plan, subscriptionState } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
const opened: Engine[] = [];
afterEach(async () => {
  await engine?.close();
  for (const e of opened.splice(0)) await e.close().catch(() => undefined);
});

describe('get_test_clock', () => {
  test('now, offset 0, real_now, and next_due_at of the earliest subscription', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    expect(await engine.testClock.get()).toEqual({
      now: '2025-04-01T00:00:00.000Z',
      offset_ms: 0,
      real_now: '2025-04-01T00:00:00.000Z',
      next_due_at: null,
    });
    const { customer, method } = await customerWithCard(engine);
    const basic = await plan(engine);
    const weekly = await plan(engine, { name: 'Weekly', interval: 'Week' });
    for (const product of [basic, weekly]) {
      await engine.subscriptions.create({
        customer_id: customer.customer_id,
        payment_method_id: method.payment_method_id,
        product_id: product.product_id,
        quantity: 1,
      });
    }
    expect((await engine.testClock.get()).next_due_at).toBe('2025-04-08T00:00:00.000Z');
    await engine.testClock.advance({ by: { days: 1 } });
    expect(await engine.testClock.get()).toMatchObject({
      now: '2025-04-02T00:00:00.000Z',
      offset_ms: 86_400_000,
      real_now: '2025-04-01T00:00:00.000Z',
    });
  });
});

describe('advance_test_clock', () => {
  test.each([
    ['Jan 31 + 1 month = Feb 28', '2025-01-31T00:00:00.000Z', { months: 1 }, '2025-02-28T00:00:00.000Z'],
    ['Jan 31 2024 + 1 month = Feb 29', '2024-01-31T00:00:00.000Z', { months: 1 }, '2024-02-29T00:00:00.000Z'],
    ['months first, then days: Jan 31 + 1 month + 1 day = Mar 1', '2025-01-31T00:00:00.000Z', { months: 1, days: 1 }, '2025-03-01T00:00:00.000Z'],
    ['hours, minutes, seconds', '2025-04-01T00:00:00.000Z', { hours: 1, minutes: 2, seconds: 3 }, '2025-04-01T01:02:03.000Z'],
  ])('by: %s', async (_name, start, by, expected) => {
    engine = await createTestEngine(start);
    expect(await engine.testClock.advance({ by })).toEqual({
      from: start,
      to: expected,
      target: expected,
      completed: true,
      processed_count: 0,
      processed: [],
      events: [],
    });
    expect(new Date(engine.clock.now()).toISOString()).toBe(expected);
  });

  test.each([
    [
      'to before now',
      { to: '2025-03-31T23:59:59Z' },
      'INVALID_REQUEST_PARAMETERS',
      'the test clock only moves forward: 2025-03-31T23:59:59.000Z is before now (2025-04-01T00:00:00.000Z)',
    ],
    // Found by the fuzz (issue 13): 10^12 minutes moved the clock past any Date, and every later read failed.
    ['by 10^12 minutes', { by: { minutes: 1e12 } }, 'INVALID_REQUEST_PARAMETERS', 'the test clock goes no later than 9999-12-31T23:59:59.000Z'],
    [
      'to past the year 9999',
      { to: '+010000-01-01T00:00:00Z' },
      'INVALID_REQUEST_PARAMETERS',
      'the test clock goes no later than 9999-12-31T23:59:59.000Z',
    ],
    ['a negative by', { by: { days: -1 } }, 'INVALID_REQUEST_PARAMETERS', 'the test clock only moves forward: by.days is -1'],
    [
      'an empty by (issue 13: it answered as a no-op)',
      { by: {} },
      'INVALID_REQUEST_BODY',
      'by has no duration: give at least one of months, days, hours, minutes, seconds',
    ],
    ['both to and by', { to: '2025-05-01T00:00:00Z', by: { days: 1 } }, 'INVALID_REQUEST_BODY', 'give to or by, not both'],
    ['neither', {}, 'INVALID_REQUEST_BODY', 'give to (an ISO-8601 instant) or by ({days, hours, minutes, seconds, months})'],
    ['a bad instant', { to: 'May 1st' }, 'INVALID_REQUEST_BODY', 'to must be an ISO-8601 instant, got "May 1st"'],
    ['a fractional day', { by: { days: 1.5 } }, 'INVALID_REQUEST_BODY', 'by.days must be a whole number, got 1.5'],
  ])('%s → %s; the clock and the data stay', async (_name, input, code, message) => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const before = await subscriptionState(engine);
    const error = await engine.testClock.advance(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingError);
    expect(error).toMatchObject({ code, message });
    expect(engine.clock.now()).toBe(Date.parse('2025-04-01T00:00:00.000Z'));
    expect(await subscriptionState(engine)).toEqual(before);
  });

  test('several subscriptions: items in time order, oldest subscription first at one instant', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const monthly = await plan(engine);
    const weekly = await plan(engine, { name: 'Weekly', price: 700, interval: 'Week' });
    const start = (product_id: string) =>
      engine.subscriptions.create({ customer_id: customer.customer_id, payment_method_id: method.payment_method_id, product_id, quantity: 1 });
    await start(monthly.product_id); // sub_0001
    await start(weekly.product_id); // sub_0002
    await start(monthly.product_id); // sub_0003
    const advanced = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(advanced.processed.map((r) => [r.at.slice(0, 10), r.subscription_id, r.amount])).toEqual([
      ['2025-04-08', 'sub_0002', 700],
      ['2025-04-15', 'sub_0002', 700],
      ['2025-04-22', 'sub_0002', 700],
      ['2025-04-29', 'sub_0002', 700],
      ['2025-05-01', 'sub_0001', 3000],
      ['2025-05-01', 'sub_0003', 3000],
    ]);
    expect(advanced.events).toHaveLength(18);
  });

  test('SPEC §3 G: Pro → Basic at next_billing_date applies at the May 1 renewal, which bills 3000', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const basic = await plan(engine);
    const pro = await plan(engine, { name: 'Pro', price: 8000 });
    const { subscription } = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: pro.product_id,
      quantity: 1,
    });
    engine.clock.set('2025-04-11T00:00:00.000Z');
    await engine.planChanges.change(subscription.subscription_id, {
      product_id: basic.product_id,
      quantity: 1,
      proration_billing_mode: 'prorated_immediately',
      effective_at: 'next_billing_date',
    });
    expect((await engine.subscriptions.get(subscription.subscription_id)).scheduled_change).toMatchObject({ product_id: basic.product_id });
    const may = await engine.testClock.advance({ to: '2025-06-01T00:00:00.000Z' });
    expect(may.processed.map((r) => [r.at.slice(0, 10), r.amount])).toEqual([
      ['2025-05-01', 3000],
      ['2025-06-01', 3000],
    ]);
    expect(may.processed[0]?.events).toEqual(['subscription.plan_changed', 'payment.processing', 'payment.succeeded', 'subscription.renewed']);
    expect(await engine.subscriptions.get(subscription.subscription_id)).toMatchObject({ product_id: basic.product_id, scheduled_change: null });
    expect(await paymentsOf(engine, subscription.subscription_id)).toEqual([
      ['2025-04-01', 8000, 'succeeded'],
      ['2025-05-01', 3000, 'succeeded'],
      ['2025-06-01', 3000, 'succeeded'],
    ]);
  });

  test('the default engine clock: real time + the persisted offset, kept by the next engine on the database', async () => {
    const { db } = openDatabase({ path: ':memory:' });
    const first = await createEngine({ db, ids: sequentialIds() });
    opened.push(first);
    const realBefore = Date.now();
    const advanced = await first.testClock.advance({ by: { days: 10 } });
    // Real time flows during the call, so the offset is 10 days less the few ms the advance took.
    const { offset_ms } = await first.testClock.get();
    expect(offset_ms).toBeGreaterThan(10 * 86_400_000 - 1000);
    expect(offset_ms).toBeLessThanOrEqual(10 * 86_400_000);
    expect(Date.parse(advanced.to) - Date.parse(advanced.from)).toBeGreaterThanOrEqual(10 * 86_400_000);
    const second = await createEngine({ db, ids: sequentialIds() });
    const now = second.ctx.clock.now();
    expect(now - realBefore).toBeGreaterThanOrEqual(offset_ms);
    expect(Math.abs(now - Date.now() - offset_ms)).toBeLessThan(50);
    expect((await second.testClock.get()).offset_ms).toBe(offset_ms);
    // Both engines share the database; one close destroys it.
    opened.splice(0);
    await second.close();
    engine = undefined as unknown as TestEngine;
  });

  test('a real-time clock cannot be moved: UNSUPPORTED_ACTION', async () => {
    const { db } = openDatabase({ path: ':memory:' });
    const real = await createEngine({ db, clock: { now: () => Date.parse('2025-04-01T00:00:00Z') } });
    opened.push(real);
    const error = await real.testClock.advance({ by: { days: 1 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_ACTION' });
    engine = undefined as unknown as TestEngine;
  });
});

describe('startDueWorkTimer', () => {
  test('runs the due work on its timer and stops when told', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const basic = await plan(engine);
    const { subscription } = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: basic.product_id,
      quantity: 1,
    });
    engine.clock.set('2025-05-01T00:00:00.000Z');
    const errors: unknown[] = [];
    const stop = engine.startDueWorkTimer(5, (e) => errors.push(e));
    await expect.poll(async () => (await paymentsOf(engine, subscription.subscription_id)).length, { timeout: 2000 }).toBe(2);
    stop();
    expect(errors).toEqual([]);
  });
});
