// Rule under test: SPEC §2.3 trials — a trial subscription is active at once with exactly one $0 payment
// and next_billing_date = now + trial days; the first real charge runs at the trial's end; update with a
// future next_billing_date extends the trial (a past one is INVALID_REQUEST_PARAMETERS and changes nothing);
// trial_period_days on create (0–10000) overrides the product's.
import { afterEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, eventTypes, lastSequence, paymentsOf, plan, subscriptionState } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

async function trialSubscription(options: { trial_period_days?: number; override?: number; term?: { count: number; interval: 'Month' } } = {}) {
  engine = await createTestEngine('2025-04-01T00:00:00.000Z');
  const { customer, method } = await customerWithCard(engine);
  const pro = await plan(engine, {
    name: 'Pro',
    price: 8000,
    trial_period_days: options.trial_period_days ?? 14,
    ...(options.term && { term: options.term }),
  });
  return engine.subscriptions.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_id: pro.product_id,
    quantity: 1,
    ...(options.override !== undefined && { trial_period_days: options.override }),
  });
}

describe('SPEC §2.3 trial', () => {
  test('14 days: $0 payment now, 8000 on day 14 (Apr 15), then monthly from the trial end', async () => {
    const { subscription, payment } = await trialSubscription();
    expect(payment).toMatchObject({ status: 'succeeded', total_amount: 0, subscription_id: subscription.subscription_id });
    expect(subscription).toMatchObject({
      status: 'active',
      trial_period_days: 14,
      previous_billing_date: '2025-04-01T00:00:00.000Z',
      next_billing_date: '2025-04-15T00:00:00.000Z',
    });
    expect(await engine.testClock.get()).toMatchObject({ next_due_at: '2025-04-15T00:00:00.000Z' });

    const trialEnd = await engine.testClock.advance({ to: '2025-04-15T00:00:00.000Z' });
    expect(trialEnd.processed).toMatchObject([{ at: '2025-04-15T00:00:00.000Z', kind: 'trial_end', amount: 8000, status_after: 'active' }]);
    expect(await engine.subscriptions.get(subscription.subscription_id)).toMatchObject({
      previous_billing_date: '2025-04-15T00:00:00.000Z',
      next_billing_date: '2025-05-15T00:00:00.000Z',
    });
    await engine.testClock.advance({ to: '2025-05-15T00:00:00.000Z' });
    expect(await paymentsOf(engine, subscription.subscription_id)).toEqual([
      ['2025-04-01', 0, 'succeeded'],
      ['2025-04-15', 8000, 'succeeded'],
      ['2025-05-15', 8000, 'succeeded'],
    ]);
  });

  test('events (SPEC §4): subscription.active now; payment.succeeded + subscription.renewed at trial end', async () => {
    await trialSubscription();
    expect(await eventTypes(engine)).toEqual(['payment.processing', 'subscription.active', 'payment.succeeded']);
    const mark = await lastSequence(engine);
    await engine.testClock.advance({ to: '2025-04-15T00:00:00.000Z' });
    expect(await eventTypes(engine, mark)).toEqual(['payment.processing', 'payment.succeeded', 'subscription.renewed']);
  });

  test('extending the trial with next_billing_date: Apr 15 → Apr 20; nothing bills on Apr 15', async () => {
    const { subscription } = await trialSubscription();
    engine.clock.set('2025-04-10T00:00:00.000Z');
    const updated = await engine.subscriptions.update(subscription.subscription_id, { next_billing_date: '2025-04-20T00:00:00Z' });
    expect(updated).toMatchObject({ next_billing_date: '2025-04-20T00:00:00.000Z', previous_billing_date: '2025-04-01T00:00:00.000Z' });
    expect((await engine.testClock.advance({ to: '2025-04-19T00:00:00.000Z' })).processed).toEqual([]);
    const ended = await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    expect(ended.processed).toMatchObject([{ kind: 'trial_end', amount: 8000 }]);
    expect(await engine.subscriptions.get(subscription.subscription_id)).toMatchObject({
      previous_billing_date: '2025-04-20T00:00:00.000Z',
      next_billing_date: '2025-05-20T00:00:00.000Z',
    });
  });

  test('an extended trial moves a term with it: 3 Month term from the trial end', async () => {
    const { subscription } = await trialSubscription({ term: { count: 3, interval: 'Month' } });
    expect(subscription.expires_at).toBe('2025-07-15T00:00:00.000Z');
    const updated = await engine.subscriptions.update(subscription.subscription_id, { next_billing_date: '2025-04-20T00:00:00Z' });
    expect(updated.expires_at).toBe('2025-07-20T00:00:00.000Z');
  });

  test.each([
    ['in the past', '2025-03-31T00:00:00Z'],
    ['exactly now', '2025-04-01T00:00:00Z'],
  ])('next_billing_date %s → INVALID_REQUEST_PARAMETERS, nothing changes', async (_name, date) => {
    const { subscription } = await trialSubscription();
    const before = await subscriptionState(engine);
    const error = await engine.subscriptions.update(subscription.subscription_id, { next_billing_date: date }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingError);
    expect((error as BillingError).code).toBe('INVALID_REQUEST_PARAMETERS');
    expect((error as BillingError).message).toBe(`next_billing_date must be in the future; ${date} is not after now (2025-04-01T00:00:00.000Z)`);
    expect(await subscriptionState(engine)).toEqual(before);
  });

  test('trial_period_days on create overrides the product: 0 charges now, 30 ends May 1', async () => {
    const none = await trialSubscription({ override: 0 });
    expect(none.payment).toMatchObject({ total_amount: 8000 });
    expect(none.subscription).toMatchObject({ trial_period_days: 0, next_billing_date: '2025-05-01T00:00:00.000Z' });
    await engine.close();
    const longer = await trialSubscription({ trial_period_days: 0, override: 30 });
    expect(longer.payment).toMatchObject({ total_amount: 0 });
    expect(longer.subscription.next_billing_date).toBe('2025-05-01T00:00:00.000Z');
  });

  test.each([[-1], [10_001], [1.5]])('trial_period_days %s → INVALID_REQUEST_PARAMETERS, nothing written', async (days) => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const pro = await plan(engine);
    const before = await subscriptionState(engine);
    const error = await engine.subscriptions
      .create({
        customer_id: customer.customer_id,
        payment_method_id: method.payment_method_id,
        product_id: pro.product_id,
        quantity: 1,
        trial_period_days: days,
      })
      .catch((e: unknown) => e);
    expect((error as BillingError).code).toBe('INVALID_REQUEST_PARAMETERS');
    expect(await subscriptionState(engine)).toEqual(before);
  });
});
