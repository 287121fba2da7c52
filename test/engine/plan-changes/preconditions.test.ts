// Rule under test: the SPEC §2.4 plan-change preconditions, each code reached by the smallest case, in the
// spec's order (subscription exists → active → not on-demand → no scheduled cancel → target product →
// currency → addons → one pending scheduled change), and that a refused preview or change writes nothing.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PlanChangeRequest } from '../../../src/engine/plan-changes/types.js';
import { advanceTo, type PlanWorld, planChangeState, planWorld, subscribe } from '../../support/plan-change-fixtures.js';

let world: PlanWorld;
beforeEach(async () => {
  world = await planWorld();
});
afterEach(async () => {
  await world.engine.close();
});

type Case = [name: string, code: string, arrange: (w: PlanWorld) => Promise<{ subscriptionId: string; body: PlanChangeRequest }>];

const toPro = (w: PlanWorld, extra: Partial<PlanChangeRequest> = {}): PlanChangeRequest => ({
  product_id: w.pro.product_id,
  quantity: 1,
  proration_billing_mode: 'prorated_immediately',
  ...extra,
});

async function onBasic(w: PlanWorld, options: Parameters<typeof subscribe>[2] = {}) {
  const sub = await subscribe(w.engine, w.basic, options);
  await advanceTo(w.engine, '2025-04-11');
  return sub.subscription_id;
}

const CASES: Case[] = [
  ['unknown subscription', 'NOT_FOUND', async (w) => ({ subscriptionId: 'sub_9999', body: toPro(w) })],
  [
    'cancelled subscription',
    'INACTIVE_SUBSCRIPTION_PLAN_CHANGE_NOT_SUPPORTED',
    async (w) => {
      const id = await onBasic(w);
      await w.engine.subscriptions.cancel(id);
      return { subscriptionId: id, body: toPro(w) };
    },
  ],
  [
    'on_hold counts as inactive',
    'INACTIVE_SUBSCRIPTION_PLAN_CHANGE_NOT_SUPPORTED',
    async (w) => {
      const id = await onBasic(w, { declined: true });
      await w.engine.planChanges.change(id, toPro(w));
      return { subscriptionId: id, body: toPro(w) };
    },
  ],
  [
    'on-demand subscription',
    'ON_DEMAND_PLAN_CHANGE_NOT_SUPPORTED',
    async (w) => {
      const customer = await w.engine.customers.create({ email: 'od@example.com', name: 'On Demand' });
      const method = await w.engine.customers.createPaymentMethod(customer.customer_id, { number: '4242424242424242', exp_month: 6, exp_year: 2032 });
      const { subscription } = await w.engine.subscriptions.create({
        customer_id: customer.customer_id,
        payment_method_id: method.payment_method_id,
        product_id: w.basic.product_id,
        quantity: 1,
        on_demand: { mandate_only: true },
      });
      return { subscriptionId: subscription.subscription_id, body: toPro(w) };
    },
  ],
  [
    'cancellation scheduled at the next billing date',
    'PLAN_CHANGE_NOT_ALLOWED_FOR_SCHEDULED_CANCELLATION',
    async (w) => {
      const id = await onBasic(w);
      await w.engine.subscriptions.update(id, { cancel_at_next_billing_date: true });
      return { subscriptionId: id, body: toPro(w) };
    },
  ],
  ['unknown target product', 'NOT_FOUND', async (w) => ({ subscriptionId: await onBasic(w), body: toPro(w, { product_id: 'pdt_9999' }) })],
  [
    'archived target product',
    'PRODUCT_IS_DELETED',
    async (w) => {
      const id = await onBasic(w);
      await w.engine.products.archive(w.pro.product_id);
      return { subscriptionId: id, body: toPro(w) };
    },
  ],
  [
    'one-time target product',
    'INVALID_REQUEST_PARAMETERS',
    async (w) => {
      const id = await onBasic(w);
      const guide = await w.engine.products.create({
        name: 'Guide',
        tax_category: 'e_book',
        price: { type: 'one_time_price', currency: 'USD', price: 1900 },
      });
      return { subscriptionId: id, body: toPro(w, { product_id: guide.product_id }) };
    },
  ],
  [
    'target priced in another currency',
    'UNSUPPORTED_CURRENCY',
    async (w) => {
      const id = await onBasic(w);
      const rupees = await w.engine.products.create({
        name: 'Pro INR',
        tax_category: 'saas',
        price: { type: 'recurring_price', currency: 'INR', price: 80000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
      });
      return { subscriptionId: id, body: toPro(w, { product_id: rupees.product_id }) };
    },
  ],
  [
    'usage-based target with quantity 2',
    'INVALID_QUANTITY',
    async (w) => {
      const id = await onBasic(w);
      const api = await usageProduct(w);
      return { subscriptionId: id, body: toPro(w, { product_id: api, quantity: 2, addons: [] }) };
    },
  ],
  [
    'usage-based target with addons',
    'ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED',
    async (w) => {
      const id = await onBasic(w);
      return { subscriptionId: id, body: toPro(w, { product_id: await usageProduct(w), addons: [{ addon_id: w.seat, quantity: 1 }] }) };
    },
  ],
  [
    'usage-based target while addons are kept (omitted, D5)',
    'ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED',
    async (w) => {
      const id = await onBasic(w, { addons: [{ addon_id: w.seat, quantity: 1 }] });
      return { subscriptionId: id, body: toPro(w, { product_id: await usageProduct(w) }) };
    },
  ],
  [
    'unknown addon',
    'MISSING_ADDON_IDS',
    async (w) => ({ subscriptionId: await onBasic(w), body: toPro(w, { addons: [{ addon_id: 'adn_9999', quantity: 1 }] }) }),
  ],
  [
    'addon not attached to the target',
    'MISSING_ADDON_IDS',
    async (w) => {
      const id = await onBasic(w);
      return { subscriptionId: id, body: toPro(w, { product_id: w.yearly.product_id, addons: [{ addon_id: w.seat, quantity: 1 }] }) };
    },
  ],
  [
    'a change is already scheduled',
    'CONFLICT',
    async (w) => {
      const id = await onBasic(w);
      await w.engine.planChanges.change(id, toPro(w, { effective_at: 'next_billing_date' }));
      return { subscriptionId: id, body: toPro(w) };
    },
  ],
  ['unknown discount code', 'INVALID_DISCOUNT_CODE', async (w) => ({ subscriptionId: await onBasic(w), body: toPro(w, { discount_code: 'NOPE' }) })],
  ['quantity 0', 'INVALID_REQUEST_BODY', async (w) => ({ subscriptionId: await onBasic(w), body: toPro(w, { quantity: 0 }) })],
  [
    'addon listed twice',
    'INVALID_REQUEST_BODY',
    async (w) => ({
      subscriptionId: await onBasic(w),
      body: toPro(w, {
        addons: [
          { addon_id: w.seat, quantity: 1 },
          { addon_id: w.seat, quantity: 2 },
        ],
      }),
    }),
  ],
];

async function usageProduct(w: PlanWorld): Promise<string> {
  const api = await w.engine.products.create({
    name: 'API',
    tax_category: 'saas',
    price: { type: 'usage_based_price', currency: 'USD', fixed_price: 1000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
  });
  return api.product_id;
}

describe.each(CASES)('%s → %s', (_name, code, arrange) => {
  test('preview and change both refuse it, and nothing is written', async () => {
    const { subscriptionId, body } = await arrange(world);
    const before = await planChangeState(world.engine);
    await expect(world.engine.planChanges.preview(subscriptionId, body)).rejects.toMatchObject({ code });
    await expect(world.engine.planChanges.change(subscriptionId, body)).rejects.toMatchObject({ code });
    expect(await planChangeState(world.engine)).toEqual(before);
  });
});

describe('order: the first failing check wins', () => {
  test('an inactive subscription is reported before a bad product', async () => {
    const id = await onBasic(world);
    await world.engine.subscriptions.cancel(id);
    await expect(world.engine.planChanges.change(id, toPro(world, { product_id: 'pdt_9999' }))).rejects.toMatchObject({
      code: 'INACTIVE_SUBSCRIPTION_PLAN_CHANGE_NOT_SUPPORTED',
    });
  });

  test('an archived product is reported before an unknown addon', async () => {
    const id = await onBasic(world);
    await world.engine.products.archive(world.pro.product_id);
    await expect(world.engine.planChanges.change(id, toPro(world, { addons: [{ addon_id: 'adn_9999', quantity: 1 }] }))).rejects.toMatchObject({
      code: 'PRODUCT_IS_DELETED',
    });
  });

  test('the error says what to do next', async () => {
    const id = await onBasic(world);
    await world.engine.subscriptions.update(id, { cancel_at_next_billing_date: true });
    await expect(world.engine.planChanges.change(id, toPro(world))).rejects.toMatchObject({
      nextStep: expect.stringContaining('cancel_at_next_billing_date: false'),
    });
  });
});
