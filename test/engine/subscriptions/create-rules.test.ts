// Rule under test: SPEC §2.3 create_subscription checks and their codes — customer and saved method,
// the product line (checkout rules 1–5), the code (§2.8), the D13 minimum, and allow_multiple_subscriptions
// off → INVALID_REQUEST_PARAMETERS for a second live subscription. A refused create writes nothing.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import type { NewSubscription } from '../../../src/engine/subscriptions/types.js';
import { oneTime, usagePlan } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, eventTypes, plan, subscriptionState } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
let base: NewSubscription;
beforeEach(async () => {
  engine = await createTestEngine('2025-04-01T00:00:00.000Z');
  const { customer, method } = await customerWithCard(engine);
  const seat = await engine.addons.create({ name: 'Seat', price: 500, currency: 'USD', tax_category: 'saas' });
  const basic = await plan(engine, { addons: [seat.addon_id] }); // pdt_0001
  await oneTime(engine); // pdt_0002
  await usagePlan(engine); // pdt_0003
  await plan(engine, { name: 'Tiny', price: 40 }); // pdt_0004
  await customerWithCard(engine, { email: 'bob@example.com' }); // cus_0002 / pm_0002
  await engine.discounts.create({ code: 'ONLYTINY', type: 'percentage', amount: 1000, restricted_to: ['pdt_0004'] });
  base = { customer_id: customer.customer_id, payment_method_id: method.payment_method_id, product_id: basic.product_id, quantity: 1 };
});
afterEach(async () => {
  await engine.close();
});

describe('SPEC §2.3 create', () => {
  test('quantity and addons: 3000 × 2 + 500 × 3 = 7500 per cycle, charged now', async () => {
    const { subscription, payment } = await engine.subscriptions.create({
      ...base,
      quantity: 2,
      addons: [{ addon_id: 'adn_0001', quantity: 3 }],
      metadata: { team: 'a' },
    });
    expect(subscription).toMatchObject({
      quantity: 2,
      addons: [{ addon_id: 'adn_0001', quantity: 3, unit_price: 500 }],
      recurring_pre_tax_amount: 7500,
      currency: 'USD',
      payment_method_id: 'pm_0001',
      collection_id: null,
      metadata: { team: 'a' },
      customer: { customer_id: 'cus_0001', email: 'ann@example.com', name: 'Ann' },
    });
    expect(payment).toMatchObject({ total_amount: 7500, metadata: { team: 'a' }, product_cart: null });
    expect((await engine.payments.lineItems(payment?.payment_id ?? '')).items.map((l) => [l.item_id, l.quantity, l.amount])).toEqual([
      ['pdt_0001', 2, 6000],
      ['adn_0001', 3, 1500],
    ]);
  });

  test('a price edit after purchase does not touch the subscription (SPEC §1.1)', async () => {
    const { subscription } = await engine.subscriptions.create(base);
    await engine.products.update('pdt_0001', {
      price: { type: 'recurring_price', currency: 'USD', price: 9900, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
    });
    const may = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(may.processed[0]?.amount).toBe(3000);
    expect((await engine.subscriptions.get(subscription.subscription_id)).recurring_pre_tax_amount).toBe(3000);
  });

  test('events (SPEC §4): subscription.active, payment.succeeded, subscription.renewed', async () => {
    const { subscription } = await engine.subscriptions.create(base);
    expect(await eventTypes(engine)).toEqual(['payment.processing', 'subscription.active', 'payment.succeeded', 'subscription.renewed']);
    const last = await engine.ctx.db.selectFrom('outbox_events').selectAll().orderBy('sequence', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(last.payload)).toMatchObject({ payload_type: 'Subscription', subscription_id: subscription.subscription_id, status: 'active' });
  });

  test.each<[string, Partial<NewSubscription>, string, string?]>([
    ['an unknown customer', { customer_id: 'cus_nope' }, 'NOT_FOUND', 'no customer cus_nope'],
    [
      'another customer’s method',
      { payment_method_id: 'pm_0002' },
      'INVALID_REQUEST_PARAMETERS',
      'payment method pm_0002 belongs to another customer, not cus_0001',
    ],
    ['an unknown product', { product_id: 'pdt_nope' }, 'NOT_FOUND', 'no product pdt_nope'],
    [
      'a one-time product',
      { product_id: 'pdt_0002' },
      'INVALID_REQUEST_PARAMETERS',
      'product pdt_0002 is a one-time product; subscriptions need a recurring or usage-based product',
    ],
    ['quantity 0', { quantity: 0 }, 'INVALID_REQUEST_BODY'],
    ['quantity 2 of a usage-based product', { product_id: 'pdt_0003', quantity: 2 }, 'INVALID_QUANTITY'],
    ['an addon not on the product', { addons: [{ addon_id: 'adn_nope', quantity: 1 }] }, 'MISSING_ADDON_IDS'],
    ['an unknown discount code', { discount_code: 'NOPE' }, 'INVALID_DISCOUNT_CODE'],
    ['a code restricted to another product', { discount_code: 'onlytiny' }, 'DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT'],
    ['a total of 40 (below the 50 minimum)', { product_id: 'pdt_0004' }, 'TOTAL_PAYMENT_AMOUNT_BELOW_MINIMUM_AMOUNT'],
    ['a trial of 10001 days', { trial_period_days: 10_001 }, 'INVALID_REQUEST_PARAMETERS'],
    ['51 metadata keys', { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'MAXIMUM_KEYS_REACHED'],
    ['a billing country that is not ISO-2', { billing: { country: 'USA' } }, 'INVALID_REQUEST_BODY'],
    [
      'on-demand on a usage-based product',
      { product_id: 'pdt_0003', on_demand: { mandate_only: true } },
      'ON_DEMAND_USAGE_BASED_BILLING_NOT_SUPPORTED',
    ],
    [
      'on-demand with addons',
      { on_demand: { mandate_only: true }, addons: [{ addon_id: 'adn_0001', quantity: 1 }] },
      'ADDONS_NOT_ALLOWED_FOR_ON_DEMAND',
    ],
    [
      'on-demand with a discount code',
      { on_demand: { mandate_only: false }, discount_code: 'ONLYTINY', product_id: 'pdt_0004' },
      'DISCOUNT_NOT_AVAILABLE_FOR_ON_DEMAND',
    ],
  ])('%s → %s, nothing written', async (_name, change, code, message) => {
    const before = await subscriptionState(engine);
    const error = await engine.subscriptions.create({ ...base, ...change }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingError);
    expect((error as BillingError).code).toBe(code);
    if (message) expect((error as BillingError).message).toBe(message);
    expect(await subscriptionState(engine)).toEqual(before);
  });

  test('allow_multiple_subscriptions off: a second live subscription → INVALID_REQUEST_PARAMETERS; after cancel it is allowed', async () => {
    await engine.settings.update({ allow_multiple_subscriptions: false });
    const { subscription } = await engine.subscriptions.create(base);
    const before = await subscriptionState(engine);
    const error = await engine.subscriptions.create(base).catch((e: unknown) => e);
    expect((error as BillingError).code).toBe('INVALID_REQUEST_PARAMETERS');
    expect((error as BillingError).message).toBe('customer cus_0001 already has an active subscription, and allow_multiple_subscriptions is off');
    expect(await subscriptionState(engine)).toEqual(before);
    // Another customer is not affected; the same customer may subscribe again once the first is cancelled.
    await engine.subscriptions.create({ ...base, customer_id: 'cus_0002', payment_method_id: 'pm_0002' });
    await engine.subscriptions.cancel(subscription.subscription_id);
    expect((await engine.subscriptions.create(base)).subscription.status).toBe('active');
  });

  test('allow_multiple_subscriptions on (the default): two subscriptions for one customer', async () => {
    await engine.subscriptions.create(base);
    await engine.subscriptions.create(base);
    expect((await engine.subscriptions.list({ customer_id: 'cus_0001' })).items).toHaveLength(2);
  });
});

describe('get and list', () => {
  test('get of an unknown id → NOT_FOUND naming the list tool', async () => {
    const error = await engine.subscriptions.get('sub_nope').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'no subscription sub_nope', nextStep: 'list_subscriptions shows the existing ids' });
  });

  test('list: newest first, filters by customer, status and product, paged', async () => {
    const a = await engine.subscriptions.create(base);
    const b = await engine.subscriptions.create({ ...base, customer_id: 'cus_0002', payment_method_id: 'pm_0002' });
    const c = await engine.subscriptions.create(base);
    await engine.subscriptions.cancel(c.subscription.subscription_id);
    const ids = (page: { items: Array<{ subscription_id: string }> }) => page.items.map((s) => s.subscription_id);
    expect(ids(await engine.subscriptions.list())).toEqual(['sub_0003', 'sub_0002', 'sub_0001']);
    expect(ids(await engine.subscriptions.list({ customer_id: 'cus_0001' }))).toEqual(['sub_0003', 'sub_0001']);
    expect(ids(await engine.subscriptions.list({ status: 'cancelled' }))).toEqual(['sub_0003']);
    expect(ids(await engine.subscriptions.list({ product_id: 'pdt_0004' }))).toEqual([]);
    const page = await engine.subscriptions.list({}, { page_size: 2, page_number: 0 });
    expect(page).toMatchObject({ has_more: true, page_size: 2 });
    expect(ids(await engine.subscriptions.list({}, { page_size: 2, page_number: 1 }))).toEqual(['sub_0001']);
    expect([a, b].length).toBe(2);
  });
});

describe('update: metadata and billing', () => {
  test('metadata replaces the map, billing null clears; one subscription.updated per call', async () => {
    const { subscription } = await engine.subscriptions.create({ ...base, billing: { country: 'us', city: 'SF' }, metadata: { a: '1' } });
    expect(subscription.billing).toEqual({ country: 'US', street: null, city: 'SF', state: null, zipcode: null });
    const updated = await engine.subscriptions.update(subscription.subscription_id, { metadata: { b: '2' }, billing: null });
    expect(updated).toMatchObject({ metadata: { b: '2' }, billing: null });
    expect((await eventTypes(engine)).filter((t) => t === 'subscription.updated')).toHaveLength(1);
  });

  test('an empty update changes nothing and emits nothing', async () => {
    const { subscription } = await engine.subscriptions.create(base);
    const before = await subscriptionState(engine);
    await engine.subscriptions.update(subscription.subscription_id, {});
    expect(await subscriptionState(engine)).toEqual(before);
  });
});
