// Rule under test: SPEC §2.1 completion for subscription carts through the SubscriptionStarter seam — the
// subscription engine starts the subscription inside checkout's transaction with the same rules as
// create (first period charged, or a trial's $0 payment; failed on a decline), stores the collection it
// was bought through (D7) and the session, and then renews like any other.
import { afterEach, describe, expect, test } from 'vitest';
import { CARD_DECLINED, CARD_OK } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { eventTypes, paymentsOf, plan } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

const ann = { email: 'ann@example.com', name: 'Ann' };

describe('checkout → subscription', () => {
  test('a collection checkout with a 7-day trial and a code: $0 now, 2 × 3000 + 3 × 500 − 20 % = 6000 on Apr 8', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const seat = await engine.addons.create({ name: 'Seat', price: 500, currency: 'USD', tax_category: 'saas' });
    const basic = await plan(engine, { trial_period_days: 14, addons: [seat.addon_id] });
    await engine.discounts.create({ code: 'LAUNCH', type: 'percentage', amount: 2000, subscription_cycles: 1 });
    const collection = await engine.collections.create({ name: 'Plans', products: [{ product_id: basic.product_id }] });
    const { session_id } = await engine.checkout.create({
      product_collection_id: collection.collection_id,
      product_cart: [{ product_id: basic.product_id, quantity: 2, addons: [{ addon_id: seat.addon_id, quantity: 3 }] }],
      customer: ann,
      discount_code: 'LAUNCH',
      subscription_data: { trial_period_days: 7 },
      metadata: { source: 'pricing-page' },
    });
    const done = await engine.checkout.complete(session_id, { card: CARD_OK });
    expect(done).toMatchObject({ status: 'completed', subscription_id: 'sub_0001', payment: { status: 'succeeded', total_amount: 0 } });
    const subscription = await engine.subscriptions.get('sub_0001');
    expect(subscription).toMatchObject({
      status: 'active',
      collection_id: collection.collection_id,
      trial_period_days: 7,
      next_billing_date: '2025-04-08T00:00:00.000Z',
      recurring_pre_tax_amount: 7500,
      discount_id: 'dsc_0001',
      discount_cycles_remaining: 1,
      payment_method_id: 'pm_0001',
      metadata: { source: 'pricing-page' },
    });
    expect((await engine.discounts.get('dsc_0001')).times_used).toBe(1);
    await engine.testClock.advance({ to: '2025-05-08T00:00:00.000Z' });
    expect(await paymentsOf(engine, 'sub_0001')).toEqual([
      ['2025-04-01', 0, 'succeeded'],
      ['2025-04-08', 6000, 'succeeded'],
      ['2025-05-08', 7500, 'succeeded'],
    ]);
  });

  test('no trial: the first period is charged; events subscription.active, payment.succeeded, subscription.renewed', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const basic = await plan(engine);
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: basic.product_id, quantity: 1 }], customer: ann });
    const done = await engine.checkout.complete(session_id, { card: CARD_OK });
    expect(done).toMatchObject({ subscription_id: 'sub_0001', payment: { total_amount: 3000, subscription_id: 'sub_0001' } });
    expect(await engine.subscriptions.get('sub_0001')).toMatchObject({ collection_id: null, next_billing_date: '2025-05-01T00:00:00.000Z' });
    expect(await eventTypes(engine)).toEqual(['payment.processing', 'subscription.active', 'payment.succeeded', 'subscription.renewed']);
  });

  test('a declined card: the subscription is failed (subscription.failed, payment.failed), the session stays open', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const basic = await plan(engine);
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: basic.product_id, quantity: 1 }], customer: ann });
    const failed = await engine.checkout.complete(session_id, { card: CARD_DECLINED });
    expect(failed).toMatchObject({ status: 'open', subscription_id: 'sub_0001', payment: { status: 'failed' } });
    expect((await engine.subscriptions.get('sub_0001')).status).toBe('failed');
    expect(await eventTypes(engine)).toEqual(['payment.processing', 'subscription.failed', 'payment.failed']);
    // Another try with a good card starts a second subscription and completes the session.
    const done = await engine.checkout.complete(session_id, { card: CARD_OK });
    expect(done).toMatchObject({ status: 'completed', subscription_id: 'sub_0002' });
  });

  test('one-click: payment_method_id + confirm starts the subscription at once', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const basic = await plan(engine);
    const customer = await engine.customers.create(ann);
    const method = await engine.customers.createPaymentMethod(customer.customer_id, CARD_OK);
    const created = await engine.checkout.create({
      product_cart: [{ product_id: basic.product_id, quantity: 1 }],
      customer: { customer_id: customer.customer_id },
      payment_method_id: method.payment_method_id,
      confirm: true,
    });
    expect(created).toMatchObject({ subscription_id: 'sub_0001', payment_status: 'succeeded' });
    expect((await engine.subscriptions.get('sub_0001')).status).toBe('active');
  });
});
