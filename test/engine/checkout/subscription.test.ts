// Rule under test: the SubscriptionStarter seam of SPEC §2.1 completion for subscription carts — without a
// starter completion is UNSUPPORTED_ACTION and writes nothing; with one, checkout hands over the customer,
// saved method, product, quantity, addons, discount and trial (override first) inside its transaction.
import { afterEach, describe, expect, test } from 'vitest';
import type { SubscriptionCheckout, SubscriptionStarter } from '../../../src/engine/checkout/subscription-starter.js';
import { BillingError } from '../../../src/engine/errors.js';
import type { Scope } from '../../../src/engine/scope.js';
import { CARD_OK, moneyState, monthlyPlan } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

const ann = { email: 'ann@example.com', name: 'Ann' };

/** Records what it is given and charges a $0 trial payment through the checkout's scope, as a real starter would. */
function recordingStarter(): SubscriptionStarter & { calls: SubscriptionCheckout[] } {
  const calls: SubscriptionCheckout[] = [];
  return {
    calls,
    async startFromCheckout(tx: Scope, start: SubscriptionCheckout) {
      calls.push(start);
      const payment = await tx.payments.charge({
        customer: start.customer,
        payment_method: start.payment_method,
        brand_id: start.product.brand_id,
        currency: start.product.price.currency,
        lines: [],
        tax_rate_bps: 0,
        billing: start.billing,
        metadata: start.metadata,
        discount_id: start.discount?.discount_id ?? null,
        subscription_id: 'sub_test',
      });
      return { subscription_id: 'sub_test', payment };
    },
  };
}

describe('SPEC §2.1 completion, subscription cart', () => {
  test('without a subscription engine: UNSUPPORTED_ACTION, nothing written', async () => {
    engine = await createTestEngine(undefined, { subscriptionStarter: null });
    const plan = await monthlyPlan(engine);
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: plan.product_id, quantity: 1 }], customer: ann });
    const before = await moneyState(engine);
    const error = await engine.checkout.complete(session_id, { card: CARD_OK }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingError);
    expect((error as BillingError).code).toBe('UNSUPPORTED_ACTION');
    expect((error as BillingError).message).toContain('subscription checkouts need the subscription engine');
    expect(await moneyState(engine)).toEqual(before);
    expect((await engine.checkout.get(session_id)).status).toBe('open');
  });

  test('with a starter: it gets the checkout facts, and the session completes with its payment', async () => {
    const starter = recordingStarter();
    engine = await createTestEngine(undefined, { subscriptionStarter: starter });
    const seat = await engine.addons.create({ name: 'Seat', price: 500, currency: 'USD', tax_category: 'saas' });
    const plan = await monthlyPlan(engine, { trial_period_days: 14, addons: [seat.addon_id] });
    const code = await engine.discounts.create({ code: 'LAUNCH', type: 'percentage', amount: 2000 });
    const collection = await engine.collections.create({ name: 'Plans', products: [{ product_id: plan.product_id }] });
    const { session_id } = await engine.checkout.create({
      product_collection_id: collection.collection_id,
      product_cart: [{ product_id: plan.product_id, quantity: 2, addons: [{ addon_id: seat.addon_id, quantity: 3 }] }],
      customer: ann,
      discount_code: 'LAUNCH',
      subscription_data: { trial_period_days: 7 },
      metadata: { plan: 'basic' },
    });
    expect((await engine.checkout.get(session_id)).trial_period_days).toBe(7);
    const done = await engine.checkout.complete(session_id, { card: CARD_OK });
    expect(done).toMatchObject({
      status: 'completed',
      subscription_id: 'sub_test',
      payment: { status: 'succeeded', subscription_id: 'sub_test', product_cart: null },
    });
    const call = starter.calls[0];
    expect(call).toMatchObject({
      session: { session_id, product_collection_id: collection.collection_id },
      customer: { email: 'ann@example.com' },
      payment_method: { card: { last4: '4242' } },
      product: { product_id: plan.product_id },
      quantity: 2,
      discount: { discount_id: code.discount_id },
      trial_period_days: 7,
      metadata: { plan: 'basic' },
    });
    expect(call?.addons.map((a) => [a.addon.addon_id, a.quantity])).toEqual([[seat.addon_id, 3]]);
    expect((await engine.discounts.get(code.discount_id)).times_used).toBe(1);
    expect(await engine.checkout.get(session_id)).toMatchObject({ status: 'completed', subscription_id: 'sub_test' });
  });
});
