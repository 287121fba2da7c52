// Rule under test: the worked plan-change examples of SPEC §3 (A–K and the doc anchors) as timelines with
// exact minor units and dates: Basic 3000, Pro 8000, subscribe 2025-04-01, change 2025-04-11 (f = 20/30),
// renewals 05-01, 06-01, 07-01 through the due-work runner; credits from downgrades used at renewals
// before the wallet (D4); E resets to 04-11 → 05-11; events per §3 and §4.
import { afterEach, describe, expect, test } from 'vitest';
import type { ProrationBillingMode } from '../../../src/engine/rules/plan-change-modes.js';
import type { PlanChangeLineItem } from '../../../src/engine/plan-changes/types.js';
import {
  addCard,
  advanceTo,
  day,
  eventsSince,
  isoDay,
  lastSequence,
  paymentsOf,
  type PlanWorld,
  planWorld,
  subscribe,
} from '../../support/plan-change-fixtures.js';

let world: PlanWorld;
afterEach(async () => {
  await world?.engine.close();
});

/** Subscribes on 04-01 to `from`, moves to 04-11 and changes to `to` with `mode`. */
async function changeOn0411(from: 'basic' | 'pro', to: 'basic' | 'pro', mode: ProrationBillingMode, extra: Record<string, unknown> = {}) {
  world = await planWorld();
  const { engine } = world;
  const sub = await subscribe(engine, world[from]);
  await advanceTo(engine, '2025-04-11');
  const mark = await lastSequence(engine);
  const result = await engine.planChanges.change(sub.subscription_id, {
    product_id: world[to].product_id,
    quantity: 1,
    proration_billing_mode: mode,
    ...extra,
  });
  return { engine, sub, result, events: await eventsSince(engine, mark) };
}

describe('A–F: immediate changes on 04-11', () => {
  test('A Basic→Pro prorated: 3333 now, 05-01 kept, then 8000 each month', async () => {
    const { engine, sub, result, events } = await changeOn0411('basic', 'pro', 'prorated_immediately');
    expect(result).toMatchObject({ status: 'applied', amount_charged: 3333, credit_added: 0, direction: 'upgrade' });
    expect(result.payment_id).not.toBeNull();
    expect(result.invoice_id).not.toBeNull();
    expect(result.subscription).toMatchObject({
      product_id: world.pro.product_id,
      next_billing_date: isoDay('2025-05-01'),
      recurring_pre_tax_amount: 8000,
    });
    expect(events).toEqual(['payment.processing', 'payment.succeeded', 'subscription.plan_changed', 'subscription.active']);
    await advanceTo(engine, '2025-06-01');
    expect(await paymentsOf(engine, sub.subscription_id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-04-11', 3333, 'succeeded'],
      ['2025-05-01', 8000, 'succeeded'],
      ['2025-06-01', 8000, 'succeeded'],
    ]);
  });

  test('B Pro→Basic prorated: 3333 credit; 05-01 $0 (333 left), 06-01 2667, 07-01 3000', async () => {
    const { engine, sub, result, events } = await changeOn0411('pro', 'basic', 'prorated_immediately');
    expect(result).toMatchObject({
      status: 'applied',
      amount_charged: 0,
      credit_added: 3333,
      payment_id: null,
      invoice_id: null,
      direction: 'downgrade',
    });
    expect(result.subscription.credit_balance).toBe(3333);
    expect(events).toEqual(['subscription.plan_changed']);
    await advanceTo(engine, '2025-05-01');
    expect((await engine.subscriptions.get(sub.subscription_id)).credit_balance).toBe(333);
    await advanceTo(engine, '2025-07-01');
    expect(await paymentsOf(engine, sub.subscription_id)).toEqual([
      ['2025-04-01', 8000, 'succeeded'],
      ['2025-05-01', 0, 'succeeded'],
      ['2025-06-01', 2667, 'succeeded'],
      ['2025-07-01', 3000, 'succeeded'],
    ]);
    expect((await engine.subscriptions.get(sub.subscription_id)).credit_balance).toBe(0);
  });

  test('C Basic→Pro difference: 5000 now (any day), 05-01 8000', async () => {
    const { engine, sub, result } = await changeOn0411('basic', 'pro', 'difference_immediately');
    expect(result).toMatchObject({ status: 'applied', amount_charged: 5000, credit_added: 0 });
    await advanceTo(engine, '2025-05-01');
    expect(await paymentsOf(engine, sub.subscription_id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-04-11', 5000, 'succeeded'],
      ['2025-05-01', 8000, 'succeeded'],
    ]);
  });

  test('D Pro→Basic difference: 5000 credit; 05-01 $0 (2000 left), 06-01 1000, 07-01 3000', async () => {
    const { engine, sub, result, events } = await changeOn0411('pro', 'basic', 'difference_immediately');
    expect(result).toMatchObject({ amount_charged: 0, credit_added: 5000 });
    expect(events).toEqual(['subscription.plan_changed']);
    await advanceTo(engine, '2025-05-01');
    expect((await engine.subscriptions.get(sub.subscription_id)).credit_balance).toBe(2000);
    await advanceTo(engine, '2025-07-01');
    expect(await paymentsOf(engine, sub.subscription_id)).toEqual([
      ['2025-04-01', 8000, 'succeeded'],
      ['2025-05-01', 0, 'succeeded'],
      ['2025-06-01', 1000, 'succeeded'],
      ['2025-07-01', 3000, 'succeeded'],
    ]);
  });

  test('E Basic→Pro full: 8000 now, the cycle restarts 04-11 → 05-11, then 8000 on 05-11 and 06-11', async () => {
    const { engine, sub, result } = await changeOn0411('basic', 'pro', 'full_immediately');
    expect(result).toMatchObject({ amount_charged: 8000, credit_added: 0 });
    expect(result.subscription).toMatchObject({ previous_billing_date: isoDay('2025-04-11'), next_billing_date: isoDay('2025-05-11') });
    const invoice = await engine.payments.invoice(result.payment_id ?? '');
    expect(invoice.period).toEqual({ start: isoDay('2025-04-11'), end: isoDay('2025-05-11') });
    await advanceTo(engine, '2025-06-11');
    expect(await paymentsOf(engine, sub.subscription_id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-04-11', 8000, 'succeeded'],
      ['2025-05-11', 8000, 'succeeded'],
      ['2025-06-11', 8000, 'succeeded'],
    ]);
  });

  test('E′ Pro→Basic full: 3000 now, next 05-11, then 3000', async () => {
    const { engine, sub, result } = await changeOn0411('pro', 'basic', 'full_immediately');
    expect(result).toMatchObject({ amount_charged: 3000, credit_added: 0, direction: 'downgrade' });
    expect(result.subscription.next_billing_date).toBe(isoDay('2025-05-11'));
    await advanceTo(engine, '2025-05-11');
    expect((await paymentsOf(engine, sub.subscription_id)).map((p) => p[1])).toEqual([8000, 3000, 3000]);
  });

  test('F Basic→Pro do_not_bill: nothing now, 05-01 8000', async () => {
    const { engine, sub, result, events } = await changeOn0411('basic', 'pro', 'do_not_bill');
    expect(result).toMatchObject({ status: 'applied', amount_charged: 0, credit_added: 0, payment_id: null });
    expect(result.subscription.next_billing_date).toBe(isoDay('2025-05-01'));
    expect(events).toEqual(['subscription.plan_changed']);
    await advanceTo(engine, '2025-05-01');
    expect((await paymentsOf(engine, sub.subscription_id)).map((p) => p[1])).toEqual([3000, 8000]);
  });

  test.each([
    ['$30 → $80 with difference_immediately charges $50', 3000, 8000, 5000, 0],
    ['Plus $50 → Starter $20 with difference_immediately credits $30', 5000, 2000, 0, 3000],
  ])('doc anchor: %s', async (_name, fromPrice, toPrice, charged, credited) => {
    world = await planWorld();
    const { engine } = world;
    const plan = (name: string, price: number) =>
      engine.products.create({
        name,
        tax_category: 'saas',
        price: { type: 'recurring_price', currency: 'USD', price, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
      });
    const from = await plan('From', fromPrice);
    const to = await plan('To', toPrice);
    const sub = await subscribe(engine, from);
    await advanceTo(engine, '2025-04-17');
    const preview = await engine.planChanges.preview(sub.subscription_id, {
      product_id: to.product_id,
      quantity: 1,
      proration_billing_mode: 'difference_immediately',
    });
    expect([preview.immediate_charge.summary.total_amount, preview.credit_amount]).toEqual([charged, credited]);
    const result = await engine.planChanges.change(sub.subscription_id, {
      product_id: to.product_id,
      quantity: 1,
      proration_billing_mode: 'difference_immediately',
    });
    expect([result.amount_charged, result.credit_added]).toEqual([charged, credited]);
  });
});

describe('G: scheduled for the next billing date', () => {
  test('Pro→Basic at next_billing_date: nothing now, Pro kept; on 05-01 switch, plan_changed, bill 3000', async () => {
    const { engine, sub, result, events } = await changeOn0411('pro', 'basic', 'prorated_immediately', { effective_at: 'next_billing_date' });
    expect(result).toMatchObject({ status: 'scheduled', amount_charged: 0, credit_added: 0, payment_id: null });
    expect(result.subscription.product_id).toBe(world.pro.product_id);
    expect(result.subscription.scheduled_change).toMatchObject({
      product_id: world.basic.product_id,
      quantity: 1,
      effective_at: isoDay('2025-05-01'),
    });
    expect(events).toEqual([]);

    const mark = await lastSequence(engine);
    await advanceTo(engine, '2025-05-01');
    const after = await engine.subscriptions.get(sub.subscription_id);
    expect(after).toMatchObject({ product_id: world.basic.product_id, scheduled_change: null, next_billing_date: isoDay('2025-06-01') });
    expect(await eventsSince(engine, mark)).toEqual(['subscription.plan_changed', 'payment.processing', 'payment.succeeded', 'subscription.renewed']);
    await advanceTo(engine, '2025-06-01');
    expect(await paymentsOf(engine, sub.subscription_id)).toEqual([
      ['2025-04-01', 8000, 'succeeded'],
      ['2025-05-01', 3000, 'succeeded'],
      ['2025-06-01', 3000, 'succeeded'],
    ]);
  });

  test('a second change while one is scheduled is CONFLICT, unless cancel_scheduled_plan_change replaces it', async () => {
    const { engine, sub } = await changeOn0411('pro', 'basic', 'prorated_immediately', { effective_at: 'next_billing_date' });
    const again = {
      product_id: world.basic.product_id,
      quantity: 2,
      proration_billing_mode: 'prorated_immediately' as const,
      effective_at: 'next_billing_date' as const,
    };
    await expect(engine.planChanges.change(sub.subscription_id, again)).rejects.toMatchObject({ code: 'CONFLICT' });
    const replaced = await engine.planChanges.change(sub.subscription_id, { ...again, cancel_scheduled_plan_change: true });
    expect(replaced.subscription.scheduled_change).toMatchObject({ quantity: 2 });
    const rows = await engine.ctx.db.selectFrom('scheduled_plan_changes').select(['status', 'quantity']).orderBy('change_id').execute();
    expect(rows).toEqual([
      { status: 'cancelled', quantity: 1 },
      { status: 'pending', quantity: 2 },
    ]);
  });

  test('cancel_scheduled_plan_change keeps Pro: 05-01 bills 8000; a second cancel is NOT_FOUND', async () => {
    const { engine, sub } = await changeOn0411('pro', 'basic', 'prorated_immediately', { effective_at: 'next_billing_date' });
    const kept = await engine.planChanges.cancelScheduledChange(sub.subscription_id);
    expect(kept).toMatchObject({ product_id: world.pro.product_id, scheduled_change: null });
    await expect(engine.planChanges.cancelScheduledChange(sub.subscription_id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await advanceTo(engine, '2025-05-01');
    expect((await paymentsOf(engine, sub.subscription_id)).map((p) => p[1])).toEqual([8000, 8000]);
  });
});

describe('H: addons and quantity', () => {
  /** Basic + 2 seats (4000) on 04-01; on 04-11 change with `body`. */
  async function fromBasicWithSeats(body: Record<string, unknown>) {
    world = await planWorld();
    const { engine } = world;
    const sub = await subscribe(engine, world.basic, { addons: [{ addon_id: world.seat, quantity: 2 }] });
    expect(sub.recurring_pre_tax_amount).toBe(4000);
    await advanceTo(engine, '2025-04-11');
    const request = { product_id: world.pro.product_id, quantity: 1, addons: [{ addon_id: world.seat, quantity: 3 }], ...body } as Parameters<
      typeof engine.planChanges.change
    >[1];
    const preview = await engine.planChanges.preview(sub.subscription_id, request);
    const result = await engine.planChanges.change(sub.subscription_id, request);
    return { engine, sub, preview, result };
  }

  test('prorated: Pro 5333 + 3 seats 1000 − unused Basic 2000 − unused 2 seats 667 = 3666; preview, result, payment and invoice show those lines', async () => {
    const { engine, preview, result } = await fromBasicWithSeats({ proration_billing_mode: 'prorated_immediately' });
    expect(result.amount_charged).toBe(3666);
    const expected = [
      ['subscription', world.pro.product_id, 'Pro', 1, 8000, '0.666667', 5333],
      ['addon', world.seat, 'Seat', 3, 500, '0.666667', 1000],
      ['subscription', world.basic.product_id, 'Unused time on Basic', 1, -3000, '0.666667', -2000],
      ['addon', world.seat, 'Unused time on Seat', 2, -500, '0.666667', -667],
    ];
    const shown = (items: PlanChangeLineItem[]) => items.map((l) => [l.type, l.id, l.name, l.quantity, l.unit_price, l.proration_factor, l.amount]);
    expect(shown(preview.immediate_charge.line_items)).toEqual(expected);
    expect(result.line_items).toEqual(preview.immediate_charge.line_items);
    const lines = await engine.payments.lineItems(result.payment_id ?? '');
    expect(lines.items.map((l) => [l.item_id, l.name, l.quantity, l.unit_price, l.proration_factor, l.gross_amount, l.is_prorated])).toEqual(
      expected.map(([, id, name, quantity, unit, factor, amount]) => [id, name, quantity, unit, factor, amount, true]),
    );
    const invoice = await engine.payments.invoice(result.payment_id ?? '');
    expect(invoice.lines.map((l) => [l.item_id, l.name, l.quantity, l.unit_price, l.gross_amount, l.total])).toEqual(
      expected.map(([, id, name, quantity, unit, , amount]) => [id, name, quantity, unit, amount, amount]),
    );
    expect(invoice.total_amount).toBe(3666);
    expect(result.subscription).toMatchObject({ recurring_pre_tax_amount: 9500, addons: [{ addon_id: world.seat, quantity: 3, unit_price: 500 }] });
  });

  test('difference: 9500 − 4000 = 5500', async () => {
    expect((await fromBasicWithSeats({ proration_billing_mode: 'difference_immediately' })).result.amount_charged).toBe(5500);
  });

  test('full: 9500 and the cycle restarts on 04-11', async () => {
    const { result } = await fromBasicWithSeats({ proration_billing_mode: 'full_immediately' });
    expect(result.amount_charged).toBe(9500);
    expect(result.subscription.next_billing_date).toBe(isoDay('2025-05-11'));
  });

  test('addons: [] removes the seats (D5): 5333 − 2667 = 2666', async () => {
    const { result } = await fromBasicWithSeats({ proration_billing_mode: 'prorated_immediately', addons: [] });
    expect(result.amount_charged).toBe(2666);
    expect(result.subscription.addons).toEqual([]);
  });

  test('addons omitted keeps the 2 seats (D5): Pro + 2 seats 9000 → 6000 − 2667 = 3333', async () => {
    world = await planWorld();
    const { engine } = world;
    const sub = await subscribe(engine, world.basic, { addons: [{ addon_id: world.seat, quantity: 2 }] });
    await advanceTo(engine, '2025-04-11');
    const result = await engine.planChanges.change(sub.subscription_id, {
      product_id: world.pro.product_id,
      quantity: 1,
      proration_billing_mode: 'prorated_immediately',
    });
    expect(result.amount_charged).toBe(3333);
    expect(result.subscription.addons).toEqual([{ addon_id: world.seat, quantity: 2, unit_price: 500 }]);
  });

  test('quantity only, Basic ×2 (6000) → ×5 (15000), prorated: 10000 − 4000 = 6000', async () => {
    world = await planWorld();
    const { engine } = world;
    const sub = await subscribe(engine, world.basic, { quantity: 2 });
    await advanceTo(engine, '2025-04-11');
    const result = await engine.planChanges.change(sub.subscription_id, {
      product_id: world.basic.product_id,
      quantity: 5,
      proration_billing_mode: 'prorated_immediately',
    });
    expect(result).toMatchObject({ amount_charged: 6000, direction: 'upgrade' });
    expect(result.subscription).toMatchObject({ quantity: 5, recurring_pre_tax_amount: 15000 });
  });
});

describe('I: during a trial', () => {
  async function trialUpgradeOn0405(mode: ProrationBillingMode) {
    world = await planWorld();
    const { engine } = world;
    const sub = await subscribe(engine, world.basic, { trial_period_days: 14 });
    expect(sub.next_billing_date).toBe(isoDay('2025-04-15'));
    expect(await paymentsOf(engine, sub.subscription_id)).toEqual([['2025-04-01', 0, 'succeeded']]);
    await advanceTo(engine, '2025-04-05');
    const result = await engine.planChanges.change(sub.subscription_id, {
      product_id: world.pro.product_id,
      quantity: 1,
      proration_billing_mode: mode,
    });
    return { engine, sub, result };
  }

  test.each(['prorated_immediately', 'difference_immediately', 'full_immediately'] as const)(
    '%s: the trial ends, 8000 is charged and the cycle runs 04-05 → 05-05',
    async (mode) => {
      const { engine, sub, result } = await trialUpgradeOn0405(mode);
      expect(result).toMatchObject({ status: 'applied', amount_charged: 8000 });
      expect(result.subscription).toMatchObject({ previous_billing_date: isoDay('2025-04-05'), next_billing_date: isoDay('2025-05-05') });
      await advanceTo(engine, '2025-05-05');
      expect(await paymentsOf(engine, sub.subscription_id)).toEqual([
        ['2025-04-01', 0, 'succeeded'],
        ['2025-04-05', 8000, 'succeeded'],
        ['2025-05-05', 8000, 'succeeded'],
      ]);
    },
  );

  test('do_not_bill keeps the trial and bills 8000 on 04-15', async () => {
    const { engine, sub, result } = await trialUpgradeOn0405('do_not_bill');
    expect(result).toMatchObject({ amount_charged: 0 });
    expect(result.subscription.next_billing_date).toBe(isoDay('2025-04-15'));
    await advanceTo(engine, '2025-04-15');
    expect(await paymentsOf(engine, sub.subscription_id)).toEqual([
      ['2025-04-01', 0, 'succeeded'],
      ['2025-04-15', 8000, 'succeeded'],
    ]);
  });
});

describe('J: the plan-change charge fails (card 4000 0000 0000 0002)', () => {
  test('apply_change (default): Pro, on_hold owing 3333; a new card pays it and reactivates', async () => {
    world = await planWorld();
    const { engine } = world;
    const sub = await subscribe(engine, world.basic, { declined: true });
    await advanceTo(engine, '2025-04-11');
    const mark = await lastSequence(engine);
    const result = await engine.planChanges.change(sub.subscription_id, {
      product_id: world.pro.product_id,
      quantity: 1,
      proration_billing_mode: 'prorated_immediately',
    });
    expect(result).toMatchObject({ status: 'on_hold', amount_charged: 0, invoice_id: null });
    expect(result.subscription).toMatchObject({ product_id: world.pro.product_id, status: 'on_hold', outstanding_amount: 3333 });
    expect(await eventsSince(engine, mark)).toEqual(['payment.processing', 'payment.failed', 'subscription.on_hold']);

    const card = await addCard(engine, sub.customer.customer_id);
    const recovery = await engine.planChanges
      .preview(sub.subscription_id, { product_id: world.pro.product_id, quantity: 1, proration_billing_mode: 'do_not_bill' })
      .catch((e: unknown) => e);
    expect(recovery).toMatchObject({ code: 'INACTIVE_SUBSCRIPTION_PLAN_CHANGE_NOT_SUPPORTED' });
    const mark2 = await lastSequence(engine);
    const updated = await engine.subscriptions.updatePaymentMethod(sub.subscription_id, { payment_method_id: card });
    expect(updated.payment).toMatchObject({ total_amount: 3333, status: 'succeeded' });
    expect(updated.subscription).toMatchObject({ status: 'active', outstanding_amount: 0, product_id: world.pro.product_id });
    expect(await eventsSince(engine, mark2)).toEqual(['payment.processing', 'payment.succeeded', 'subscription.active']);
    // Recovered inside the period the change fell in (paid on 04-01): its dates stay.
    expect(updated.subscription).toMatchObject({ previous_billing_date: isoDay('2025-04-01'), next_billing_date: isoDay('2025-05-01') });
  });

  test('SPEC D15: recovered after the period ended, the 3333 is charged once and one renewal starts then', async () => {
    world = await planWorld();
    const { engine } = world;
    const sub = await subscribe(engine, world.basic, { declined: true });
    await advanceTo(engine, '2025-04-11');
    await engine.planChanges.change(sub.subscription_id, {
      product_id: world.pro.product_id,
      quantity: 1,
      proration_billing_mode: 'prorated_immediately',
    });
    // On hold from 04-11 to 07-10: May, June and July are never renewed, then never billed.
    await advanceTo(engine, '2025-07-10');
    const card = await addCard(engine, sub.customer.customer_id);
    const updated = await engine.subscriptions.updatePaymentMethod(sub.subscription_id, { payment_method_id: card });
    expect(updated.payment).toMatchObject({ total_amount: 3333, status: 'succeeded' });
    expect(updated.subscription).toMatchObject({ status: 'active', next_billing_date: isoDay('2025-07-10') });
    const renewed = await engine.testClock.advance({ by: { seconds: 1 } });
    expect(renewed.processed).toMatchObject([{ at: isoDay('2025-07-10'), kind: 'renewal', amount: 8000 }]);
    await advanceTo(engine, '2025-08-10');
    expect(await paymentsOf(engine, sub.subscription_id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-04-11', 3333, 'failed'],
      ['2025-07-10', 3333, 'succeeded'],
      ['2025-07-10', 8000, 'succeeded'],
      ['2025-08-10', 8000, 'succeeded'],
    ]);
  });

  test('prevent_change: stays Basic and active; only the payment events', async () => {
    world = await planWorld();
    const { engine } = world;
    const sub = await subscribe(engine, world.basic, { declined: true });
    await advanceTo(engine, '2025-04-11');
    const mark = await lastSequence(engine);
    const result = await engine.planChanges.change(sub.subscription_id, {
      product_id: world.pro.product_id,
      quantity: 1,
      proration_billing_mode: 'prorated_immediately',
      on_payment_failure: 'prevent_change',
    });
    expect(result).toMatchObject({ status: 'not_applied', amount_charged: 0 });
    expect(result.payment_id).not.toBeNull();
    expect(result.subscription).toMatchObject({
      product_id: world.basic.product_id,
      status: 'active',
      outstanding_amount: 0,
      recurring_pre_tax_amount: 3000,
    });
    expect(await eventsSince(engine, mark)).toEqual(['payment.processing', 'payment.failed']);
  });
});

describe('K: interval change, monthly 3000 → yearly 30000 on 04-11', () => {
  test.each([
    ['prorated_immediately', 28000],
    ['difference_immediately', 27000],
    ['full_immediately', 30000],
  ] as const)('%s charges %i and restarts the cycle 04-11 → 2026-04-11', async (mode, charged) => {
    world = await planWorld();
    const { engine } = world;
    const sub = await subscribe(engine, world.basic);
    await advanceTo(engine, '2025-04-11');
    const result = await engine.planChanges.change(sub.subscription_id, {
      product_id: world.yearly.product_id,
      quantity: 1,
      proration_billing_mode: mode,
      addons: [],
    });
    expect(result).toMatchObject({ status: 'applied', amount_charged: charged });
    expect(result.subscription).toMatchObject({
      payment_frequency_interval: 'Year',
      previous_billing_date: isoDay('2025-04-11'),
      next_billing_date: isoDay('2026-04-11'),
    });
    await advanceTo(engine, '2026-04-11');
    expect((await paymentsOf(engine, sub.subscription_id)).map((p) => p.slice(0, 2))).toEqual([
      ['2025-04-01', 3000],
      ['2025-04-11', charged],
      ['2026-04-11', 30000],
    ]);
  });

  test('scheduled monthly → yearly switches on 05-01 and bills 30000 for 05-01 → 2026-05-01', async () => {
    world = await planWorld();
    const { engine } = world;
    const sub = await subscribe(engine, world.basic);
    await advanceTo(engine, '2025-04-11');
    await engine.planChanges.change(sub.subscription_id, {
      product_id: world.yearly.product_id,
      quantity: 1,
      addons: [],
      proration_billing_mode: 'prorated_immediately',
      effective_at: 'next_billing_date',
    });
    await advanceTo(engine, '2025-05-01');
    expect(await engine.subscriptions.get(sub.subscription_id)).toMatchObject({
      product_id: world.yearly.product_id,
      previous_billing_date: isoDay('2025-05-01'),
      next_billing_date: isoDay('2026-05-01'),
    });
    expect((await paymentsOf(engine, sub.subscription_id)).map((p) => p[1])).toEqual([3000, 30000]);
    expect(day('2026-05-01')).toBeGreaterThan(day('2025-05-01'));
  });
});

describe("A downgrade's credit consumed across the following renewals (D4: subscription credit before the wallet)", () => {
  test('B with 1000 in the wallet: 05-01 $0 from the credit (wallet untouched), 06-01 3000 − 333 − 1000 = 1667, 07-01 3000', async () => {
    world = await planWorld();
    const { engine } = world;
    const sub = await subscribe(engine, world.pro);
    await engine.wallets.createLedgerEntry(sub.customer.customer_id, { amount: 1000, currency: 'USD', entry_type: 'credit' });
    await advanceTo(engine, '2025-04-11');
    await engine.planChanges.change(sub.subscription_id, {
      product_id: world.basic.product_id,
      quantity: 1,
      proration_billing_mode: 'prorated_immediately',
    });
    const wallet = async () => (await engine.wallets.list(sub.customer.customer_id)).items.find((w) => w.currency === 'USD')?.balance;

    await advanceTo(engine, '2025-05-01');
    expect([(await engine.subscriptions.get(sub.subscription_id)).credit_balance, await wallet()]).toEqual([333, 1000]);
    await advanceTo(engine, '2025-06-01');
    expect([(await engine.subscriptions.get(sub.subscription_id)).credit_balance, await wallet()]).toEqual([0, 0]);
    await advanceTo(engine, '2025-07-01');
    expect((await paymentsOf(engine, sub.subscription_id)).map((p) => p.slice(0, 2))).toEqual([
      ['2025-04-01', 8000],
      ['2025-05-01', 0],
      ['2025-06-01', 1667],
      ['2025-07-01', 3000],
    ]);
  });
});
