// Rule under test: the plan-change tools (SPEC §2.4, D7) — preview_subscription_plan_change,
// change_subscription_plan, cancel_scheduled_plan_change and list_plan_change_options — return the engine's
// objects as structuredContent with the §3 numbers, the preview matches the change, errors are isError
// "CODE: message. Next: …", and a refused or preview call leaves the database unchanged.
import { afterEach, describe, expect, test } from 'vitest';
import type { PaymentLineItems } from '../../src/engine/payments/types.js';
import type { PlanChangePreview, PlanChangeResult } from '../../src/engine/plan-changes/types.js';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';
import { advanceTo, isoDay, type PlanWorld, planChangeState, planWorld, subscribe } from '../support/plan-change-fixtures.js';

let c: ConnectedClient;
let world: PlanWorld;
afterEach(async () => {
  await c.close();
});

/** A client on a fresh SPEC §3 catalogue, with a subscription to `from` bought 04-01, on 04-11. */
async function on0411(from: 'basic' | 'pro') {
  world = await planWorld();
  c = await connectClient({}, world.engine);
  const sub = await subscribe(world.engine, world[from]);
  await advanceTo(world.engine, '2025-04-11');
  return sub.subscription_id;
}

describe('preview then change', () => {
  test('A through the tools: the preview says 3333 now and changes nothing; the change charges 3333', async () => {
    const id = await on0411('basic');
    const args = { subscription_id: id, product_id: world.pro.product_id, quantity: 1, proration_billing_mode: 'prorated_immediately' };
    const before = await planChangeState(world.engine);
    const preview = await c.ok<PlanChangePreview>('preview_subscription_plan_change', args);
    expect(preview).toMatchObject({
      direction: 'upgrade',
      credit_amount: 0,
      immediate_charge: {
        effective_at: isoDay('2025-04-11'),
        line_items: [
          { type: 'subscription', id: world.pro.product_id, name: 'Pro', quantity: 1, unit_price: 8000, proration_factor: '0.666667', amount: 5333 },
          {
            type: 'subscription',
            id: world.basic.product_id,
            name: 'Unused time on Basic',
            quantity: 1,
            unit_price: -3000,
            proration_factor: '0.666667',
            amount: -2000,
          },
        ],
        summary: { total_amount: 3333, subtotal: 3333, currency: 'USD', customer_credits: 0 },
      },
      new_plan: { product_id: world.pro.product_id, next_billing_date: isoDay('2025-05-01') },
    });
    expect(await planChangeState(world.engine)).toEqual(before);

    const changed = await c.ok<PlanChangeResult>('change_subscription_plan', args);
    expect(changed).toMatchObject({
      status: 'applied',
      subscription_id: id,
      proration_billing_mode: 'prorated_immediately',
      amount_charged: 3333,
      credit_added: 0,
      subscription: { product_id: world.pro.product_id, status: 'active' },
    });
    expect(changed.payment_id).toMatch(/^pay_/);
    expect(changed.invoice_id).toMatch(/^inv_/);
    // The result, the payment's lines and the invoice show the preview's lines.
    expect(changed.line_items).toEqual(preview.immediate_charge.line_items);
    const lines = await c.ok<PaymentLineItems>('get_payment_line_items', { payment_id: changed.payment_id });
    expect(lines.items.map((l) => [l.name, l.unit_price, l.gross_amount])).toEqual([
      ['Pro', 8000, 5333],
      ['Unused time on Basic', -3000, -2000],
    ]);
  });

  test('D through the tools: a downgrade previews and adds credit 5000, no payment', async () => {
    const id = await on0411('pro');
    const args = { subscription_id: id, product_id: world.basic.product_id, quantity: 1, proration_billing_mode: 'difference_immediately' };
    expect(await c.ok('preview_subscription_plan_change', args)).toMatchObject({
      direction: 'downgrade',
      credit_amount: 5000,
      immediate_charge: {
        line_items: [
          { name: 'Basic', amount: 3000 },
          { name: 'Pro, credited in full', amount: -8000 },
        ],
        summary: { subtotal: -5000, total_amount: 0 },
      },
    });
    expect(await c.ok('change_subscription_plan', args)).toMatchObject({
      status: 'applied',
      payment_id: null,
      invoice_id: null,
      credit_added: 5000,
      subscription: { credit_balance: 5000 },
    });
  });
});

describe('usage-based subscriptions', () => {
  test('preview and change carry the usage of the current part: 2,500 calls, 1,000 free at "2" → 1,500 × 2 = 3000 billed at the next renewal; Basic shows null', async () => {
    const id = await on0411('basic');
    const basicArgs = { subscription_id: id, product_id: world.pro.product_id, quantity: 1, proration_billing_mode: 'do_not_bill' };
    expect(await c.ok('preview_subscription_plan_change', basicArgs)).toMatchObject({ usage: null });

    const calls = await world.engine.meters.create({
      name: 'API calls',
      event_name: 'api.call',
      measurement_unit: 'calls',
      aggregation: { type: 'count' },
    });
    const usagePlan = (name: string, free: number) =>
      world.engine.products.create({
        name,
        tax_category: 'saas',
        price: {
          type: 'usage_based_price',
          currency: 'USD',
          fixed_price: 1000,
          payment_frequency_count: 1,
          payment_frequency_interval: 'Month',
          meters: [{ meter_id: calls.meter_id, price_per_unit: '2', free_threshold: free }],
        },
      });
    const api = await usagePlan('API', 1000);
    const apiPlus = await usagePlan('API plus', 5000);
    const sub = await subscribe(world.engine, api);
    const customerId = sub.customer.customer_id;
    for (let b = 0; b < 3; b++) {
      const n = b < 2 ? 1000 : 500;
      await world.engine.usage.ingest(
        Array.from({ length: n }, (_, i) => ({ event_id: `c${b}-${i}`, customer_id: customerId, event_name: 'api.call' })),
      );
    }
    await advanceTo(world.engine, '2025-04-12');
    const args = { subscription_id: sub.subscription_id, product_id: apiPlus.product_id, quantity: 1, proration_billing_mode: 'do_not_bill' };
    const usage = {
      product_id: api.product_id,
      start_date: isoDay('2025-04-11'),
      end_date: isoDay('2025-04-12'),
      billed_at: isoDay('2025-05-11'),
      meters: [{ meter_id: calls.meter_id, consumed_units: 2500, chargeable_units: 1500, free_threshold: 1000, price_per_unit: '2', amount: 3000 }],
      total_amount: 3000,
    };
    expect(await c.ok('preview_subscription_plan_change', args)).toMatchObject({ usage });
    expect(await c.ok('change_subscription_plan', args)).toMatchObject({ status: 'applied', usage });
  });
});

describe('scheduled changes', () => {
  test('G: schedule, a second change is CONFLICT with the next step, then cancel_scheduled_plan_change', async () => {
    const id = await on0411('pro');
    const args = {
      subscription_id: id,
      product_id: world.basic.product_id,
      quantity: 1,
      proration_billing_mode: 'prorated_immediately',
      effective_at: 'next_billing_date',
    };
    const scheduled = await c.ok<{ status: string; subscription: { scheduled_change: { id: string; effective_at: string } } }>(
      'change_subscription_plan',
      args,
    );
    expect(scheduled.status).toBe('scheduled');
    expect(scheduled.subscription.scheduled_change).toMatchObject({ effective_at: isoDay('2025-05-01') });
    expect(scheduled.subscription.scheduled_change.id).toMatch(/^spc_/);

    expect(await c.fail('change_subscription_plan', args)).toMatch(
      /^CONFLICT: .*already has a plan change .*scheduled.*\. Next: .*cancel_scheduled_plan_change: true/,
    );
    const kept = await c.ok('cancel_scheduled_plan_change', { subscription_id: id });
    expect(kept).toMatchObject({ product_id: world.pro.product_id, scheduled_change: null });
    expect(await c.fail('cancel_scheduled_plan_change', { subscription_id: id })).toMatch(
      /^NOT_FOUND: subscription .* has no scheduled plan change\. Next: /,
    );
  });
});

describe('list_plan_change_options', () => {
  test('the collection’s other plans with direction, permission and what the default charges', async () => {
    world = await planWorld();
    c = await connectClient({}, world.engine);
    await world.engine.collections.create({
      name: 'Plans',
      products: [{ product_id: world.basic.product_id }, { product_id: world.pro.product_id }],
      allow_downgrades: false,
    });
    // SPEC D18: the collection leaves effective_at_on_downgrade null, so the business setting decides.
    await c.ok('update_business_settings', { effective_at_on_downgrade: 'immediately' });
    const sub = await subscribe(world.engine, world.pro);
    await advanceTo(world.engine, '2025-04-11');
    const options = await c.ok('list_plan_change_options', { subscription_id: sub.subscription_id });
    expect(options).toMatchObject({
      current_product_id: world.pro.product_id,
      current_recurring_amount: 8000,
      items: [
        {
          product_id: world.basic.product_id,
          direction: 'downgrade',
          allowed: false,
          reason: expect.stringContaining('allow_downgrades'),
          proration_billing_mode: 'prorated_immediately',
          effective_at: 'immediately',
          charge_now: 0,
          credit_amount: 3333,
        },
      ],
      page_number: 0,
      has_more: false,
    });
  });
});

describe('bad input', () => {
  test('an unknown mode is INVALID_REQUEST_BODY naming the field; nothing is written', async () => {
    const id = await on0411('basic');
    const before = await planChangeState(world.engine);
    const text = await c.fail('change_subscription_plan', {
      subscription_id: id,
      product_id: world.pro.product_id,
      quantity: 1,
      proration_billing_mode: 'prorated',
    });
    expect(text).toMatch(/^INVALID_REQUEST_BODY: invalid arguments for change_subscription_plan: proration_billing_mode: /);
    expect(
      await c.fail('change_subscription_plan', {
        subscription_id: id,
        product_id: world.pro.product_id,
        quantity: 0,
        proration_billing_mode: 'do_not_bill',
      }),
    ).toMatch(/quantity: /);
    expect(await planChangeState(world.engine)).toEqual(before);
  });

  test('an archived target is PRODUCT_IS_DELETED with what to do next; nothing is written', async () => {
    const id = await on0411('basic');
    await world.engine.products.archive(world.pro.product_id);
    const before = await planChangeState(world.engine);
    const args = { subscription_id: id, product_id: world.pro.product_id, quantity: 1, proration_billing_mode: 'prorated_immediately' };
    expect(await c.fail('preview_subscription_plan_change', args)).toMatch(/^PRODUCT_IS_DELETED: product .* is archived\. Next: unarchive_product/);
    expect(await c.fail('change_subscription_plan', args)).toMatch(/^PRODUCT_IS_DELETED: /);
    expect(await planChangeState(world.engine)).toEqual(before);
  });

  test('an unknown subscription is NOT_FOUND pointing at list_subscriptions', async () => {
    world = await planWorld();
    c = await connectClient({}, world.engine);
    expect(await c.fail('list_plan_change_options', { subscription_id: 'sub_9999' })).toMatch(
      /^NOT_FOUND: no subscription sub_9999\. Next: list_subscriptions/,
    );
  });
});
