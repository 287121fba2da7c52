// Rule under test: list_plan_change_options (SPEC D7, seed 001 "change options"): the products of the
// subscription's collection (the one it was bought through, else the one collection holding its product)
// with direction by amount per day, the collection's permissions and per-direction defaults, and what that
// default would charge now or credit.
import { afterEach, describe, expect, test } from 'vitest';
import { CARD_OK } from '../../support/checkout-fixtures.js';
import { advanceTo, type PlanWorld, planWorld, subscribe } from '../../support/plan-change-fixtures.js';

let world: PlanWorld;
afterEach(async () => {
  await world?.engine.close();
});

async function plansCollection(policy: Record<string, unknown> = {}) {
  const { engine } = world;
  const guide = await engine.products.create({
    name: 'Guide',
    tax_category: 'e_book',
    price: { type: 'one_time_price', currency: 'USD', price: 1900 },
  });
  const retired = await engine.products.create({
    name: 'Retired',
    tax_category: 'saas',
    price: { type: 'recurring_price', currency: 'USD', price: 1000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
  });
  const collection = await engine.collections.create({
    name: 'Plans',
    products: [
      { product_id: world.basic.product_id },
      { product_id: world.pro.product_id },
      { product_id: world.yearly.product_id },
      { product_id: guide.product_id },
      { product_id: retired.product_id },
    ],
    ...policy,
  });
  await engine.products.archive(retired.product_id);
  return collection;
}

const summary = (
  items: Array<{
    product_id: string;
    direction: string | null;
    allowed: boolean;
    proration_billing_mode: string | null;
    effective_at: string | null;
    charge_now: number | null;
    credit_amount: number | null;
  }>,
) => items.map((o) => [o.product_id, o.direction, o.allowed, o.proration_billing_mode, o.effective_at, o.charge_now, o.credit_amount]);

describe('options of a subscription in a collection', () => {
  test('Basic on 04-11: Pro is an upgrade (3333 now), yearly a downgrade per day that still charges 28000 (K); one-time and archived products are left out', async () => {
    world = await planWorld();
    const collection = await plansCollection();
    const sub = await subscribe(world.engine, world.basic);
    await advanceTo(world.engine, '2025-04-11');
    const options = await world.engine.planChanges.listPlanChangeOptions(sub.subscription_id);
    expect(options).toMatchObject({
      collection_id: collection.collection_id,
      current_product_id: world.basic.product_id,
      current_recurring_amount: 3000,
      has_more: false,
    });
    expect(summary(options.items)).toEqual([
      [world.pro.product_id, 'upgrade', true, 'prorated_immediately', 'immediately', 3333, 0],
      // 30000/365 = 82.19 a day < 3000/30 = 100 a day. A downgrade inherits the business setting
      // effective_at_on_downgrade (D18 default next_billing_date): scheduled, nothing charged now.
      [world.yearly.product_id, 'downgrade', true, 'prorated_immediately', 'next_billing_date', 0, 0],
    ]);
    expect(options.items[0]).toMatchObject({ name: 'Pro', unit_price: 8000, quantity: 1, addons: [], recurring_amount: 8000, reason: null });
  });

  test('the collection’s rules and defaults per direction', async () => {
    world = await planWorld();
    await plansCollection({
      allow_downgrades: false,
      proration_billing_mode_on_upgrade: 'difference_immediately',
      effective_at_on_downgrade: 'next_billing_date',
    });
    const sub = await subscribe(world.engine, world.basic);
    await advanceTo(world.engine, '2025-04-11');
    const { items } = await world.engine.planChanges.listPlanChangeOptions(sub.subscription_id);
    expect(summary(items)).toEqual([
      [world.pro.product_id, 'upgrade', true, 'difference_immediately', 'immediately', 5000, 0],
      [world.yearly.product_id, 'downgrade', false, 'prorated_immediately', 'next_billing_date', 0, 0],
    ]);
    expect(items[1]?.reason).toContain('allow_downgrades');
  });

  test('force_same_billing_interval refuses the yearly plan for a monthly subscriber', async () => {
    world = await planWorld();
    await plansCollection({ force_same_billing_interval: true });
    // D18: downgrades follow the business setting; immediately makes them credit now (§3 B).
    await world.engine.settings.update({ effective_at_on_downgrade: 'immediately' });
    const sub = await subscribe(world.engine, world.pro);
    await advanceTo(world.engine, '2025-04-11');
    const { items } = await world.engine.planChanges.listPlanChangeOptions(sub.subscription_id);
    expect(summary(items)).toEqual([
      [world.basic.product_id, 'downgrade', true, 'prorated_immediately', 'immediately', 0, 3333],
      // K: 30000 − round(8000 × 20/30) = 30000 − 5333.
      [world.yearly.product_id, 'downgrade', false, 'prorated_immediately', 'immediately', 24667, 0],
    ]);
    expect(items[1]?.reason).toContain('force_same_billing_interval');
  });

  test('quantity and the addons the product accepts are kept: Basic ×2 + 2 seats → Pro ×2 + 2 seats', async () => {
    world = await planWorld();
    await plansCollection();
    const sub = await subscribe(world.engine, world.basic, { quantity: 2, addons: [{ addon_id: world.seat, quantity: 2 }] });
    await advanceTo(world.engine, '2025-04-11');
    const { items } = await world.engine.planChanges.listPlanChangeOptions(sub.subscription_id);
    expect(items.map((o) => [o.product_id, o.quantity, o.addons, o.recurring_amount])).toEqual([
      [world.pro.product_id, 2, [{ addon_id: world.seat, quantity: 2 }], 17000],
      [world.yearly.product_id, 2, [], 60000],
    ]);
    // Preview with the option's own fields gives the option's numbers.
    const pro = items[0];
    const preview = await world.engine.planChanges.preview(sub.subscription_id, {
      product_id: pro?.product_id ?? '',
      quantity: pro?.quantity ?? 0,
      addons: pro?.addons ?? [],
      proration_billing_mode: 'prorated_immediately',
    });
    expect(preview.immediate_charge.summary.total_amount).toBe(pro?.charge_now);
  });

  test('a product in another currency is listed as impossible, with why', async () => {
    world = await planWorld();
    const rupees = await world.engine.products.create({
      name: 'Pro INR',
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'INR', price: 80000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
    });
    await world.engine.collections.create({ name: 'Plans', products: [{ product_id: world.basic.product_id }, { product_id: rupees.product_id }] });
    const sub = await subscribe(world.engine, world.basic);
    const { items } = await world.engine.planChanges.listPlanChangeOptions(sub.subscription_id);
    expect(items).toEqual([
      expect.objectContaining({
        product_id: rupees.product_id,
        allowed: false,
        direction: null,
        charge_now: null,
        reason: expect.stringContaining('UNSUPPORTED_CURRENCY'),
      }),
    ]);
  });

  test('paged: page_size 1 shows one option and says more exist', async () => {
    world = await planWorld();
    await plansCollection();
    const sub = await subscribe(world.engine, world.basic);
    const first = await world.engine.planChanges.listPlanChangeOptions(sub.subscription_id, { page_size: 1 });
    expect([first.items.length, first.has_more]).toEqual([1, true]);
    const second = await world.engine.planChanges.listPlanChangeOptions(sub.subscription_id, { page_size: 1, page_number: 1 });
    expect([second.items[0]?.product_id, second.has_more]).toEqual([world.yearly.product_id, false]);
  });
});

describe('a collection’s null defaults inherit the business settings (D18)', () => {
  test('default settings: a downgrade is offered at next_billing_date; immediately credits 3333 (§3 B); an upgrade setting of difference charges 5000 (§3 C)', async () => {
    world = await planWorld();
    await world.engine.collections.create({
      name: 'Plans',
      products: [{ product_id: world.basic.product_id }, { product_id: world.pro.product_id }],
    });
    const sub = await subscribe(world.engine, world.pro);
    await advanceTo(world.engine, '2025-04-11');
    const options = () => world.engine.planChanges.listPlanChangeOptions(sub.subscription_id).then((o) => summary(o.items));
    expect(await options()).toEqual([[world.basic.product_id, 'downgrade', true, 'prorated_immediately', 'next_billing_date', 0, 0]]);
    await world.engine.settings.update({ effective_at_on_downgrade: 'immediately' });
    expect(await options()).toEqual([[world.basic.product_id, 'downgrade', true, 'prorated_immediately', 'immediately', 0, 3333]]);
    await world.engine.settings.update({ proration_billing_mode_on_downgrade: 'difference_immediately' });
    // §3 D: Pro → Basic with difference_immediately credits 8000 − 3000 = 5000.
    expect(await options()).toEqual([[world.basic.product_id, 'downgrade', true, 'difference_immediately', 'immediately', 0, 5000]]);
  });

  test('a value the collection sets wins over the business setting', async () => {
    world = await planWorld();
    await world.engine.settings.update({ proration_billing_mode_on_upgrade: 'difference_immediately' });
    await world.engine.collections.create({
      name: 'Plans',
      products: [{ product_id: world.basic.product_id }, { product_id: world.pro.product_id }],
      proration_billing_mode_on_upgrade: 'full_immediately',
    });
    const sub = await subscribe(world.engine, world.basic);
    await advanceTo(world.engine, '2025-04-11');
    const { items } = await world.engine.planChanges.listPlanChangeOptions(sub.subscription_id);
    // §3 E: full_immediately charges the whole 8000.
    expect(summary(items)).toEqual([[world.pro.product_id, 'upgrade', true, 'full_immediately', 'immediately', 8000, 0]]);
  });
});

describe('which collection (D7)', () => {
  test('no collection holds the product: no options', async () => {
    world = await planWorld();
    const sub = await subscribe(world.engine, world.basic);
    expect(await world.engine.planChanges.listPlanChangeOptions(sub.subscription_id)).toMatchObject({ collection_id: null, items: [] });
  });

  test('two collections hold it: none is chosen', async () => {
    world = await planWorld();
    await world.engine.collections.create({ name: 'A', products: [{ product_id: world.basic.product_id }, { product_id: world.pro.product_id }] });
    await world.engine.collections.create({ name: 'B', products: [{ product_id: world.basic.product_id }, { product_id: world.yearly.product_id }] });
    const sub = await subscribe(world.engine, world.basic);
    expect(await world.engine.planChanges.listPlanChangeOptions(sub.subscription_id)).toMatchObject({ collection_id: null, items: [] });
  });

  test('bought through a collection checkout: that collection, even when another holds the product too', async () => {
    world = await planWorld();
    const { engine } = world;
    const bought = await engine.collections.create({
      name: 'Bought',
      products: [{ product_id: world.basic.product_id }, { product_id: world.pro.product_id }],
    });
    await engine.collections.create({ name: 'Other', products: [{ product_id: world.basic.product_id }, { product_id: world.yearly.product_id }] });
    const customer = await engine.customers.create({ email: 'portal@example.com', name: 'Portal' });
    const method = await engine.customers.createPaymentMethod(customer.customer_id, CARD_OK);
    const session = await engine.checkout.create({
      product_collection_id: bought.collection_id,
      customer: { customer_id: customer.customer_id },
      payment_method_id: method.payment_method_id,
      confirm: true,
      billing_address: { country: 'US', street: '1 Main St', city: 'Springfield', state: 'IL', zipcode: '62701' },
    });
    const sub = session.subscription_id ?? '';
    const options = await engine.planChanges.listPlanChangeOptions(sub);
    expect(options.collection_id).toBe(bought.collection_id);
    expect(options.items.map((o) => o.product_id)).toEqual([world.pro.product_id]);
  });

  test('an inactive subscription cannot change, so it has no options: the precondition error says why', async () => {
    world = await planWorld();
    await plansCollection();
    const sub = await subscribe(world.engine, world.basic);
    await world.engine.subscriptions.cancel(sub.subscription_id);
    await expect(world.engine.planChanges.listPlanChangeOptions(sub.subscription_id)).rejects.toMatchObject({
      code: 'INACTIVE_SUBSCRIPTION_PLAN_CHANGE_NOT_SUPPORTED',
    });
  });
});
