// Rule under test: seed 003 one-click upsell — after a first purchase saves the card, a later purchase is
// charged to the saved method at once: create_checkout_session with payment_method_id + confirm (checkout_url
// null) or create_payment; SPEC §2.1 rule 11 and §1.6 (the method must belong to the customer).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { BillingError } from '../../../src/engine/errors.js';
import { CARD_DECLINED, CARD_OK, eventLog, moneyState, oneTime } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

/** Ann buys the course with 4242…; the card is saved as her payment method. */
async function firstPurchase() {
  const course = await oneTime(engine, { name: 'Course', price: 4900 });
  const addon = await oneTime(engine, { name: 'Premium templates', price: 1900 });
  const first = await engine.checkout.create({
    product_cart: [{ product_id: course.product_id, quantity: 1 }],
    customer: { email: 'ann@example.com', name: 'Ann' },
  });
  const paid = await engine.checkout.complete(first.session_id, { card: CARD_OK });
  const customerId = paid.payment.customer.customer_id;
  const [method] = await engine.customers.listPaymentMethods(customerId);
  if (!method) throw new Error('the first purchase saved no payment method');
  return { course, addon, customerId, methodId: method.payment_method_id };
}

describe('seed 003 one-click upsell', () => {
  test('create_checkout_session with payment_method_id + confirm charges at once; checkout_url is null', async () => {
    const { addon, customerId, methodId } = await firstPurchase();
    const upsell = await engine.checkout.create({
      product_cart: [{ product_id: addon.product_id, quantity: 1 }],
      customer: { customer_id: customerId },
      payment_method_id: methodId,
      confirm: true,
      return_url: 'https://yourapp.com/upsell-success',
      feature_flags: { redirect_immediately: true },
      metadata: { upsell_source: 'post_purchase', original_order_id: 'order_123' },
    });
    expect(upsell).toEqual({
      session_id: 'cks_0002',
      checkout_url: null,
      payment_id: 'pay_0002',
      payment_status: 'succeeded',
      subscription_id: null,
    });
    const payment = await engine.payments.get('pay_0002');
    expect(payment).toMatchObject({
      total_amount: 1900,
      payment_method_id: methodId,
      checkout_session_id: 'cks_0002',
      metadata: { upsell_source: 'post_purchase', original_order_id: 'order_123' },
      invoice_id: 'inv_0002',
    });
    expect(await engine.checkout.get('cks_0002')).toMatchObject({ status: 'completed', checkout_url: null });
    expect((await engine.customers.listPaymentMethods(customerId)).length).toBe(1);
  });

  test('create_payment: the cross-sell charge to the saved method', async () => {
    const { addon, customerId, methodId } = await firstPurchase();
    const payment = await engine.payments.create({
      customer_id: customerId,
      payment_method_id: methodId,
      product_cart: [{ product_id: addon.product_id, quantity: 2 }],
      metadata: { purchase_type: 'cross_sell' },
    });
    expect(payment).toMatchObject({
      status: 'succeeded',
      total_amount: 3800,
      checkout_session_id: null,
      product_cart: [{ product_id: addon.product_id, quantity: 2 }],
    });
    expect((await eventLog(engine)).slice(-2)).toEqual([
      ['payment.processing', payment.payment_id],
      ['payment.succeeded', payment.payment_id],
    ]);
  });

  test('a saved declining card fails the one-click charge: the session stays open with the failed payment', async () => {
    const course = await oneTime(engine, { name: 'Course', price: 4900 });
    const customer = await engine.customers.create({ email: 'dee@example.com', name: 'Dee' });
    const method = await engine.customers.createPaymentMethod(customer.customer_id, CARD_DECLINED);
    const upsell = await engine.checkout.create({
      product_cart: [{ product_id: course.product_id, quantity: 1 }],
      customer: { customer_id: customer.customer_id },
      payment_method_id: method.payment_method_id,
      confirm: true,
    });
    expect(upsell).toMatchObject({ checkout_url: null, payment_status: 'failed' });
    expect(await engine.checkout.get(upsell.session_id)).toMatchObject({ status: 'open', payment_status: 'failed' });
    expect((await engine.payments.get(upsell.payment_id ?? '')).error_code).toBe('CARD_DECLINED');
  });

  test('create_payment refuses subscriptions, another customer’s method and an empty cart, writing nothing', async () => {
    const { course, customerId, methodId } = await firstPurchase();
    const plan = await engine.products.create({
      name: 'Pro',
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price: 8000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
    });
    const bob = await engine.customers.create({ email: 'bob@example.com', name: 'Bob' });
    const before = await moneyState(engine);
    const codeOf = async (promise: Promise<unknown>) => ((await promise.catch((e: unknown) => e)) as BillingError).code;
    expect(
      await codeOf(
        engine.payments.create({
          customer_id: customerId,
          payment_method_id: methodId,
          product_cart: [{ product_id: plan.product_id, quantity: 1 }],
        }),
      ),
    ).toBe('INVALID_REQUEST_PARAMETERS');
    expect(
      await codeOf(
        engine.payments.create({
          customer_id: bob.customer_id,
          payment_method_id: methodId,
          product_cart: [{ product_id: course.product_id, quantity: 1 }],
        }),
      ),
    ).toBe('INVALID_REQUEST_PARAMETERS');
    expect(await codeOf(engine.payments.create({ customer_id: customerId, payment_method_id: methodId, product_cart: [] }))).toBe(
      'PRODUCT_CART_EMPTY',
    );
    expect(await moneyState(engine)).toEqual(before);
  });
});
