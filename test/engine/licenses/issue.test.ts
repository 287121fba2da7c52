// Rule under test: SPEC §2.10 issue and D10 — keys are issued exactly once per license-enabled purchased line
// (whatever the quantity) when a checkout completes, on create_payment, and with a subscription's first payment
// but not on its renewals; license_key.created goes to the outbox in the same transaction; a subscription key
// follows its subscription and stops validating once it is cancelled or expired.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import { CARD_DECLINED, oneTime } from '../../support/checkout-fixtures.js';
import { customerWithCard, plan } from '../../support/subscription-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { buyThroughCheckout, licensedApp, licensedPlan } from './fixtures.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

async function licenseEvents() {
  return engine.ctx.db.selectFrom('outbox_events').select(['type', 'object_id', 'payload']).where('type', '=', 'license_key.created').execute();
}

async function subscribe(productId: string) {
  const { customer, method } = await customerWithCard(engine);
  const { subscription } = await engine.subscriptions.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_id: productId,
    quantity: 1,
  });
  return subscription.subscription_id;
}

describe('one-time purchases', () => {
  test('checkout: 3 × app is one key, a second licensed line is a second key, an unlicensed line none', async () => {
    const app = await licensedApp(engine, { limit: 2, duration: { count: 1, interval: 'Year' } });
    const plugin = await licensedApp(engine, { name: 'Plugin', limit: null });
    const guide = await oneTime(engine);
    const keys = await buyThroughCheckout(engine, [
      { product_id: app.product_id, quantity: 3 },
      { product_id: plugin.product_id, quantity: 1 },
      { product_id: guide.product_id, quantity: 1 },
    ]);
    expect(keys.map((k) => [k.product_id, k.activations_limit, k.expires_at, k.status, k.instances_count, k.source])).toEqual(
      expect.arrayContaining([
        [app.product_id, 2, '2026-04-01T00:00:00.000Z', 'active', 0, 'auto'],
        [plugin.product_id, null, null, 'active', 0, 'auto'],
      ]),
    );
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => k.subscription_id === null)).toBe(true);
  });

  test('license_key.created carries the key as payload_type LicenseKey, one per key', async () => {
    const app = await licensedApp(engine);
    const [key] = await buyThroughCheckout(engine, [{ product_id: app.product_id, quantity: 1 }]);
    const events = await licenseEvents();
    expect(events).toHaveLength(1);
    expect(events[0]?.object_id).toBe(key?.id);
    expect(JSON.parse(events[0]?.payload ?? '{}')).toEqual({ payload_type: 'LicenseKey', ...key });
  });

  test('create_payment issues the keys; a declined payment issues none', async () => {
    const app = await licensedApp(engine);
    const { customer, method } = await customerWithCard(engine);
    const payment = await engine.payments.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_cart: [{ product_id: app.product_id, quantity: 2 }],
    });
    const keys = (await engine.licenses.list({ customer_id: customer.customer_id })).items;
    expect(keys.map((k) => k.payment_id)).toEqual([payment.payment_id]);

    const declining = await customerWithCard(engine, { email: 'bob@example.com', declining: true });
    const failed = await engine.payments.create({
      customer_id: declining.customer.customer_id,
      payment_method_id: declining.method.payment_method_id,
      product_cart: [{ product_id: app.product_id, quantity: 1 }],
    });
    expect(failed.status).toBe('failed');
    expect((await engine.licenses.list({ customer_id: declining.customer.customer_id })).items).toEqual([]);
    expect(await licenseEvents()).toHaveLength(1);
  });

  test('a declined checkout issues no key', async () => {
    const app = await licensedApp(engine);
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: app.product_id, quantity: 1 }],
      customer: { email: 'c@example.com', name: 'C' },
    });
    await engine.checkout.complete(session_id, { card: CARD_DECLINED });
    expect((await engine.licenses.list()).items).toEqual([]);
  });
});

describe('subscriptions', () => {
  test('first payment issues the key; three renewals issue no more; it has no expires_at of its own', async () => {
    const pro = await licensedPlan(engine);
    const id = await subscribe(pro.product_id);
    const keys = (await engine.licenses.list()).items;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ subscription_id: id, product_id: pro.product_id, activations_limit: 3, expires_at: null, status: 'active' });
    await engine.testClock.advance({ to: '2025-07-02T00:00:00.000Z' });
    expect((await engine.licenses.list()).items).toHaveLength(1);
    expect(await licenseEvents()).toHaveLength(1);
    expect((await engine.licenses.validate({ license_key: keys[0]?.key ?? '' })).valid).toBe(true);
  });

  test('a subscription checkout issues the key with the first payment', async () => {
    const pro = await licensedPlan(engine);
    const keys = await buyThroughCheckout(engine, [{ product_id: pro.product_id, quantity: 2 }]);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.subscription_id).toMatch(/^sub_/);
  });

  test('an unlicensed plan issues nothing', async () => {
    const basic = await plan(engine);
    await subscribe(basic.product_id);
    expect((await engine.licenses.list()).items).toEqual([]);
  });

  test('cancelled subscription: the key stops validating (subscription_inactive), shows expired, refuses activation', async () => {
    const pro = await licensedPlan(engine);
    const id = await subscribe(pro.product_id);
    const [key] = (await engine.licenses.list()).items;
    if (!key) throw new Error('no key');
    await engine.subscriptions.cancel(id);
    expect(await engine.licenses.validate({ license_key: key.key })).toMatchObject({ valid: false, reason: 'subscription_inactive' });
    expect((await engine.licenses.get(key.id)).status).toBe('expired');
    const error = await engine.licenses.activate({ license_key: key.key, name: 'pc' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingError);
    expect((error as BillingError).code).toBe('INACTIVE_LICENSE_KEY');
    expect((await engine.licenses.list({ status: 'expired' })).items.map((k) => k.id)).toEqual([key.id]);
    expect((await engine.licenses.list({ status: 'active' })).items).toEqual([]);
  });

  test('expired subscription (2-month term): valid in month 2, not after the term ends', async () => {
    const termed = await engine.products.create({
      name: 'Two months',
      tax_category: 'saas',
      price: {
        type: 'recurring_price',
        currency: 'USD',
        price: 3000,
        payment_frequency_count: 1,
        payment_frequency_interval: 'Month',
        subscription_period_count: 2,
        subscription_period_interval: 'Month',
      },
      license_key_enabled: true,
    });
    const id = await subscribe(termed.product_id);
    const [key] = (await engine.licenses.list()).items;
    if (!key) throw new Error('no key');
    await engine.testClock.advance({ to: '2025-05-15T00:00:00.000Z' });
    expect((await engine.licenses.validate({ license_key: key.key })).valid).toBe(true);
    await engine.testClock.advance({ to: '2025-06-15T00:00:00.000Z' });
    expect((await engine.subscriptions.get(id)).status).toBe('expired');
    expect(await engine.licenses.validate({ license_key: key.key })).toMatchObject({ valid: false, reason: 'subscription_inactive' });
  });

  test('expires_at cannot be set on a subscription key: NO_EXPIRY_ON_SUBSCRIPTION_LICENSE_KEYS', async () => {
    const pro = await licensedPlan(engine);
    await subscribe(pro.product_id);
    const [key] = (await engine.licenses.list()).items;
    const error = await engine.licenses.update(key?.id ?? '', { expires_at: '2026-01-01T00:00:00Z' }).catch((e: unknown) => e);
    expect((error as BillingError).code).toBe('NO_EXPIRY_ON_SUBSCRIPTION_LICENSE_KEYS');
  });
});

describe('list', () => {
  test('filters by customer, product and status (disabled, expired by the clock, active), newest first', async () => {
    const app = await licensedApp(engine, { duration: { count: 10, interval: 'Day' } });
    const plugin = await licensedApp(engine, { name: 'Plugin' });
    const [a] = await buyThroughCheckout(engine, [{ product_id: app.product_id, quantity: 1 }], 'a@example.com');
    engine.clock.advance(1000);
    const [b] = await buyThroughCheckout(engine, [{ product_id: plugin.product_id, quantity: 1 }], 'b@example.com');
    engine.clock.advance(1000);
    const [c] = await buyThroughCheckout(engine, [{ product_id: plugin.product_id, quantity: 1 }], 'c@example.com');
    if (!a || !b || !c) throw new Error('keys missing');
    await engine.licenses.update(c.id, { disabled: true });
    expect((await engine.licenses.list()).items.map((k) => k.id)).toEqual([c.id, b.id, a.id]);
    expect((await engine.licenses.list({ product_id: plugin.product_id })).items.map((k) => k.id)).toEqual([c.id, b.id]);
    expect((await engine.licenses.list({ customer_id: a.customer_id })).items.map((k) => k.id)).toEqual([a.id]);
    expect((await engine.licenses.list({ status: 'disabled' })).items.map((k) => k.id)).toEqual([c.id]);
    engine.clock.set('2025-04-20T00:00:00.000Z');
    expect((await engine.licenses.list({ status: 'expired' })).items.map((k) => k.id)).toEqual([a.id]);
    expect((await engine.licenses.list({ status: 'active' })).items.map((k) => k.id)).toEqual([b.id]);
    const page = await engine.licenses.list({}, { page_size: 2 });
    expect([page.items.length, page.has_more]).toEqual([2, true]);
  });
});
