// Rule under test: SPEC §2.3 / D11 endings — cancel_at_next_billing_date keeps the subscription active and
// cancels it at the boundary with no charge (setting it back to false undoes that); immediate cancel sets
// cancelled_at = now with no refund; a term (subscription_period, e.g. 3 Month) ends in `expired` at
// expires_at with no renewal starting at or after it. Each ending emits its event once.
import { afterEach, describe, expect, test } from 'vitest';
import type { BillingError } from '../../../src/engine/errors.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, eventTypes, lastSequence, paymentsOf, plan, subscriptionState } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

async function subscribe(options: { term?: { count: number; interval: 'Month' | 'Day' } } = {}) {
  engine = await createTestEngine('2025-04-01T00:00:00.000Z');
  const { customer, method } = await customerWithCard(engine);
  const basic = await plan(engine, options);
  const { subscription } = await engine.subscriptions.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_id: basic.product_id,
    quantity: 1,
  });
  return subscription.subscription_id;
}

describe('SPEC §2.3 scheduled cancellation (D11)', () => {
  test('set on Apr 10 → still active; May 1: cancelled at the boundary, no charge, subscription.cancelled', async () => {
    const id = await subscribe();
    engine.clock.set('2025-04-10T00:00:00.000Z');
    const mark = await lastSequence(engine);
    const updated = await engine.subscriptions.update(id, { cancel_at_next_billing_date: true });
    expect(updated).toMatchObject({ status: 'active', cancel_at_next_billing_date: true, cancelled_at: null });
    expect(await eventTypes(engine, mark)).toEqual(['subscription.updated']);

    const may = await engine.testClock.advance({ to: '2025-05-02T00:00:00.000Z' });
    expect(may.processed).toEqual([
      {
        at: '2025-05-01T00:00:00.000Z',
        subscription_id: id,
        kind: 'scheduled_cancellation',
        status_before: 'active',
        status_after: 'cancelled',
        events: ['subscription.cancelled'],
      },
    ]);
    expect(await engine.subscriptions.get(id)).toMatchObject({ status: 'cancelled', cancelled_at: '2025-05-01T00:00:00.000Z' });
    expect(await paymentsOf(engine, id)).toEqual([['2025-04-01', 3000, 'succeeded']]);
    expect((await engine.testClock.advance({ by: { months: 2 } })).processed).toEqual([]);
  });

  test('undone before the boundary: May 1 renews as usual', async () => {
    const id = await subscribe();
    await engine.subscriptions.update(id, { cancel_at_next_billing_date: true });
    await engine.subscriptions.update(id, { cancel_at_next_billing_date: false });
    const may = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(may.processed).toMatchObject([{ kind: 'renewal', amount: 3000, status_after: 'active' }]);
  });

  test('setting the flag to its current value changes nothing and emits nothing', async () => {
    const id = await subscribe();
    const before = await subscriptionState(engine);
    await engine.subscriptions.update(id, { cancel_at_next_billing_date: false });
    expect(await subscriptionState(engine)).toEqual(before);
  });
});

describe('SPEC §2.3 immediate cancel', () => {
  test('cancelled now, cancelled_at = now, subscription.cancelled, no refund, no later charges', async () => {
    const id = await subscribe();
    engine.clock.set('2025-04-11T12:00:00.000Z');
    const mark = await lastSequence(engine);
    const cancelled = await engine.subscriptions.cancel(id);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_at: '2025-04-11T12:00:00.000Z' });
    expect(await eventTypes(engine, mark)).toEqual(['subscription.cancelled']);
    expect(await engine.payments.get('pay_0001')).toMatchObject({ refund_status: null, status: 'succeeded' });
    expect((await engine.testClock.advance({ by: { months: 1 } })).processed).toEqual([]);
  });

  test('cancelling twice → INVALID_REQUEST_PARAMETERS, nothing changes', async () => {
    const id = await subscribe();
    await engine.subscriptions.cancel(id);
    const before = await subscriptionState(engine);
    const error = await engine.subscriptions.cancel(id).catch((e: unknown) => e);
    expect((error as BillingError).code).toBe('INVALID_REQUEST_PARAMETERS');
    expect((error as BillingError).message).toBe(`subscription ${id} is already cancelled`);
    expect(await subscriptionState(engine)).toEqual(before);
  });

  test('an on_hold subscription can be cancelled', async () => {
    const id = await subscribe();
    await engine.customers.setPaymentMethodFailure('pm_0001', 'CARD_DECLINED');
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect((await engine.subscriptions.cancel(id)).status).toBe('cancelled');
  });

  test('scheduling a cancellation on a cancelled subscription → INVALID_REQUEST_PARAMETERS', async () => {
    const id = await subscribe();
    await engine.subscriptions.cancel(id);
    const error = await engine.subscriptions.update(id, { cancel_at_next_billing_date: true }).catch((e: unknown) => e);
    expect((error as BillingError).code).toBe('INVALID_REQUEST_PARAMETERS');
  });
});

describe('SPEC §2.3 term expiry', () => {
  test('3 Month term from Apr 1: bills May 1 and Jun 1, expires Jul 1 with subscription.expired, no Jul 1 charge', async () => {
    const id = await subscribe({ term: { count: 3, interval: 'Month' } });
    expect((await engine.subscriptions.get(id)).expires_at).toBe('2025-07-01T00:00:00.000Z');
    const advanced = await engine.testClock.advance({ to: '2025-09-01T00:00:00.000Z' });
    expect(advanced.processed.map((r) => [r.at, r.kind, r.amount ?? null, r.status_after])).toEqual([
      ['2025-05-01T00:00:00.000Z', 'renewal', 3000, 'active'],
      ['2025-06-01T00:00:00.000Z', 'renewal', 3000, 'active'],
      ['2025-07-01T00:00:00.000Z', 'expiry', null, 'expired'],
    ]);
    expect(advanced.processed[2]?.events).toEqual(['subscription.expired']);
    expect(await engine.subscriptions.get(id)).toMatchObject({ status: 'expired', next_billing_date: '2025-07-01T00:00:00.000Z' });
    expect(await paymentsOf(engine, id)).toHaveLength(3);
  });

  test('a 45 Day term on a monthly plan: the May 1 period starts inside the term and is billed; expiry May 16', async () => {
    const id = await subscribe({ term: { count: 45, interval: 'Day' } });
    const advanced = await engine.testClock.advance({ to: '2025-06-01T00:00:00.000Z' });
    expect(advanced.processed.map((r) => [r.at, r.kind])).toEqual([
      ['2025-05-01T00:00:00.000Z', 'renewal'],
      ['2025-05-16T00:00:00.000Z', 'expiry'],
    ]);
    expect((await engine.subscriptions.get(id)).status).toBe('expired');
  });

  test('an on_hold subscription still expires at the end of its term', async () => {
    const id = await subscribe({ term: { count: 2, interval: 'Month' } });
    await engine.customers.setPaymentMethodFailure('pm_0001', 'CARD_DECLINED');
    const advanced = await engine.testClock.advance({ to: '2025-06-01T00:00:00.000Z' });
    expect(advanced.processed.map((r) => [r.kind, r.status_after])).toEqual([
      ['renewal', 'on_hold'],
      ['expiry', 'expired'],
    ]);
    expect((await engine.subscriptions.get(id)).status).toBe('expired');
  });
});
