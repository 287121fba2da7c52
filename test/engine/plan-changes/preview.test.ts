// Rule under test: a plan-change preview (SPEC §2.4 "Preview response") writes nothing and states exactly
// what the change then charges — lines, code, subscription credit then wallet credit, tax (D4) — and the
// discount rules of a plan change (preserve_on_plan_change, a new discount_code), and the collection's
// defaults for timing and failure handling (D7).
import { afterEach, describe, expect, test } from 'vitest';
import type { PlanChangeRequest } from '../../../src/engine/plan-changes/types.js';
import { advanceTo, isoDay, type PlanWorld, planChangeState, planWorld, subscribe } from '../../support/plan-change-fixtures.js';

let world: PlanWorld;
afterEach(async () => {
  await world?.engine.close();
});

const request = (productId: string, extra: Partial<PlanChangeRequest> = {}): PlanChangeRequest => ({
  product_id: productId,
  quantity: 1,
  proration_billing_mode: 'prorated_immediately',
  ...extra,
});

/** Preview, check it wrote nothing, change, and check the change did what the preview said. */
async function previewThenChange(subscriptionId: string, body: PlanChangeRequest) {
  const { engine } = world;
  const before = await planChangeState(engine);
  const preview = await engine.planChanges.preview(subscriptionId, body);
  expect(await planChangeState(engine)).toEqual(before);
  const result = await engine.planChanges.change(subscriptionId, body);
  if (result.payment_id !== null) {
    const payment = await engine.payments.get(result.payment_id);
    const lines = await engine.payments.lineItems(result.payment_id);
    expect(payment.total_amount).toBe(preview.immediate_charge.summary.total_amount);
    expect(payment.tax).toBe(preview.immediate_charge.summary.tax);
    expect(lines.items.map((l) => [l.item_id, l.amount + l.tax])).toEqual(preview.immediate_charge.line_items.map((l) => [l.id, l.total]));
  } else {
    // Nothing charged: a downgrade's lines sum to minus its credit; a scheduled or free change has none.
    expect(preview.immediate_charge.summary.total_amount).toBe(0);
    expect(preview.immediate_charge.line_items.reduce((sum, l) => sum - l.amount, 0)).toBe(preview.credit_amount);
  }
  expect(result.line_items).toEqual(preview.immediate_charge.line_items);
  expect(result.credit_added).toBe(preview.credit_amount);
  expect(result.direction).toBe(preview.direction);
  const { scheduled_change: previewed, ...planned } = preview.new_plan;
  const { scheduled_change: stored, ...actual } = result.subscription;
  expect(actual).toEqual(planned);
  expect(stored === null ? null : { ...stored, id: 'spc_preview' }).toEqual(previewed);
  return { preview, result };
}

describe('the preview writes nothing and equals the change', () => {
  test.each(['prorated_immediately', 'difference_immediately', 'full_immediately', 'do_not_bill'] as const)('upgrade, %s', async (mode) => {
    world = await planWorld();
    const sub = await subscribe(world.engine, world.basic);
    await advanceTo(world.engine, '2025-04-11');
    await previewThenChange(sub.subscription_id, request(world.pro.product_id, { proration_billing_mode: mode }));
  });

  test.each(['prorated_immediately', 'difference_immediately'] as const)('downgrade, %s: credit_amount is what is added', async (mode) => {
    world = await planWorld();
    const sub = await subscribe(world.engine, world.pro);
    await advanceTo(world.engine, '2025-04-11');
    const { preview } = await previewThenChange(sub.subscription_id, request(world.basic.product_id, { proration_billing_mode: mode }));
    expect(preview).toMatchObject({ direction: 'downgrade', credit_amount: mode === 'prorated_immediately' ? 3333 : 5000 });
    // B: Basic 3000 × 0.666667 = 2000, unused Pro −5333; D: Basic 3000, Pro credited in full −8000.
    expect(preview.immediate_charge.line_items.map((l) => [l.name, l.unit_price, l.proration_factor, l.amount])).toEqual(
      mode === 'prorated_immediately'
        ? [
            ['Basic', 3000, '0.666667', 2000],
            ['Unused time on Pro', -8000, '0.666667', -5333],
          ]
        : [
            ['Basic', 3000, '1.000000', 3000],
            ['Pro, credited in full', -8000, '1.000000', -8000],
          ],
    );
    expect(preview.immediate_charge.summary).toMatchObject({ subtotal: mode === 'prorated_immediately' ? -3333 : -5000, total_amount: 0 });
    expect(preview.new_plan.credit_balance).toBe(preview.credit_amount);
  });

  test('a scheduled change previews nothing charged, effective at 05-01, with the scheduled_change it would store', async () => {
    world = await planWorld();
    const sub = await subscribe(world.engine, world.pro);
    await advanceTo(world.engine, '2025-04-11');
    const { preview } = await previewThenChange(sub.subscription_id, request(world.basic.product_id, { effective_at: 'next_billing_date' }));
    expect(preview.immediate_charge.effective_at).toBe(isoDay('2025-05-01'));
    expect(preview.credit_amount).toBe(0);
    expect(preview.new_plan).toMatchObject({ product_id: world.pro.product_id, scheduled_change: { product_id: world.basic.product_id } });
  });

  test('A in numbers: the preview response of Basic → Pro prorated on 04-11', async () => {
    world = await planWorld();
    const sub = await subscribe(world.engine, world.basic);
    await advanceTo(world.engine, '2025-04-11');
    const preview = await world.engine.planChanges.preview(sub.subscription_id, request(world.pro.product_id));
    expect(preview).toMatchObject({
      direction: 'upgrade',
      old_recurring_amount: 3000,
      new_recurring_amount: 8000,
      credit_amount: 0,
      immediate_charge: {
        effective_at: isoDay('2025-04-11'),
        line_items: [
          {
            type: 'subscription',
            id: world.pro.product_id,
            name: 'Pro',
            quantity: 1,
            unit_price: 8000,
            proration_factor: '0.666667',
            amount: 5333,
            total: 5333,
          },
          {
            type: 'subscription',
            id: world.basic.product_id,
            name: 'Unused time on Basic',
            quantity: 1,
            unit_price: -3000,
            proration_factor: '0.666667',
            amount: -2000,
            total: -2000,
          },
        ],
        summary: {
          total_amount: 3333,
          subtotal: 3333,
          tax: 0,
          currency: 'USD',
          customer_credits: 0,
          settlement_amount: 3333,
          settlement_currency: 'USD',
        },
      },
      new_plan: { product_id: world.pro.product_id, next_billing_date: isoDay('2025-05-01'), recurring_pre_tax_amount: 8000 },
    });
  });
});

describe('D4 at the plan-change charge: code, subscription credit, wallet credit, then tax', () => {
  test('a downgrade credit pays a later upgrade first: 3333 credit vs 1667 due → $0, 1666 left', async () => {
    world = await planWorld();
    const sub = await subscribe(world.engine, world.pro);
    await advanceTo(world.engine, '2025-04-11');
    await world.engine.planChanges.change(sub.subscription_id, request(world.basic.product_id));
    await advanceTo(world.engine, '2025-04-21');
    // f = 10/30: round(8000/3) − round(3000/3) = 2667 − 1000 = 1667.
    const { preview, result } = await previewThenChange(sub.subscription_id, request(world.pro.product_id));
    expect(preview.immediate_charge.summary).toMatchObject({
      subtotal: 1667,
      subscription_credit_used: 1667,
      customer_credits: 1667,
      total_amount: 0,
    });
    expect(result.subscription.credit_balance).toBe(1666);
  });

  test('wallet 1000 and tax 10 %: 3333 − 1000 = 2333, tax 233 → 2566 charged', async () => {
    world = await planWorld();
    const sub = await subscribe(world.engine, world.basic);
    await world.engine.settings.update({ default_tax_rate_bps: 1000 });
    await world.engine.wallets.createLedgerEntry(sub.customer.customer_id, { amount: 1000, currency: 'USD', entry_type: 'credit' });
    await advanceTo(world.engine, '2025-04-11');
    const { preview, result } = await previewThenChange(sub.subscription_id, request(world.pro.product_id));
    expect(preview.immediate_charge.summary).toMatchObject({ wallet_credit_used: 1000, customer_credits: 1000, tax: 233, total_amount: 2566 });
    expect(result.amount_charged).toBe(2566);
    expect((await world.engine.wallets.list(sub.customer.customer_id)).items.find((w) => w.currency === 'USD')?.balance).toBe(0);
  });

  test('a failed charge uses no credit: on_hold owes the charge before credits (3333), the wallet keeps its 1000', async () => {
    world = await planWorld();
    const sub = await subscribe(world.engine, world.basic, { declined: true });
    await world.engine.wallets.createLedgerEntry(sub.customer.customer_id, { amount: 1000, currency: 'USD', entry_type: 'credit' });
    await advanceTo(world.engine, '2025-04-11');
    const result = await world.engine.planChanges.change(sub.subscription_id, request(world.pro.product_id));
    expect(result.subscription).toMatchObject({ status: 'on_hold', outstanding_amount: 3333 });
    expect((await world.engine.wallets.list(sub.customer.customer_id)).items.find((w) => w.currency === 'USD')?.balance).toBe(1000);
  });
});

describe('discount codes across a plan change (SPEC §2.4)', () => {
  async function withCode(preserve: boolean, restrictedTo: string[] = []) {
    world = await planWorld();
    const discount = await world.engine.discounts.create({
      code: 'SAVE20',
      type: 'percentage',
      amount: 2000,
      preserve_on_plan_change: preserve,
      restricted_to: restrictedTo,
    });
    const sub = await subscribe(world.engine, world.basic, { discount_code: 'SAVE20' });
    expect(sub.discount_id).toBe(discount.discount_id);
    await advanceTo(world.engine, '2025-04-11');
    return { sub, discount };
  }

  test('preserve_on_plan_change=false drops the code: 3333 charged in full', async () => {
    const { sub } = await withCode(false);
    const { result } = await previewThenChange(sub.subscription_id, request(world.pro.product_id));
    expect(result.amount_charged).toBe(3333);
    expect(result.subscription).toMatchObject({ discount_id: null, discount_cycles_remaining: null });
  });

  test('preserve_on_plan_change=true keeps it and it reduces the change: 3333 − 20 % (667) = 2666', async () => {
    const { sub, discount } = await withCode(true);
    const { preview, result } = await previewThenChange(sub.subscription_id, request(world.pro.product_id));
    expect(preview.immediate_charge.summary).toMatchObject({ code_discount: 667, total_amount: 2666 });
    expect(result.subscription.discount_id).toBe(discount.discount_id);
  });

  test('preserve_on_plan_change=true but restricted to Basic: dropped when moving to Pro', async () => {
    const { sub } = await withCode(true, []);
    await world.engine.discounts.update(sub.discount_id ?? '', { restricted_to: [world.basic.product_id] });
    const { result } = await previewThenChange(sub.subscription_id, request(world.pro.product_id));
    expect(result).toMatchObject({ amount_charged: 3333, subscription: { discount_id: null } });
  });

  test('a new discount_code replaces the current one and counts one use', async () => {
    const { sub } = await withCode(true);
    const half = await world.engine.discounts.create({ code: 'HALF', type: 'percentage', amount: 5000, subscription_cycles: 2 });
    const { result } = await previewThenChange(sub.subscription_id, request(world.pro.product_id, { discount_code: 'half' }));
    expect(result.amount_charged).toBe(1666);
    expect(result.subscription).toMatchObject({ discount_id: half.discount_id, discount_cycles_remaining: 2 });
    expect((await world.engine.discounts.get(half.discount_id)).times_used).toBe(1);
  });

  test('a new code restricted to another product is refused: DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT', async () => {
    const { sub } = await withCode(false);
    await world.engine.discounts.create({ code: 'BASICONLY', type: 'percentage', amount: 1000, restricted_to: [world.basic.product_id] });
    await expect(
      world.engine.planChanges.preview(sub.subscription_id, request(world.pro.product_id, { discount_code: 'BASICONLY' })),
    ).rejects.toMatchObject({
      code: 'DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT',
    });
  });
});

describe('collection defaults (D7) when the request omits them', () => {
  async function inCollection(policy: Record<string, unknown>) {
    world = await planWorld();
    await world.engine.collections.create({
      name: 'Plans',
      products: [{ product_id: world.basic.product_id }, { product_id: world.pro.product_id }],
      ...policy,
    });
    const sub = await subscribe(world.engine, world.pro);
    await advanceTo(world.engine, '2025-04-11');
    return sub;
  }

  test('effective_at_on_downgrade=next_billing_date schedules a downgrade that omits effective_at', async () => {
    const sub = await inCollection({ effective_at_on_downgrade: 'next_billing_date' });
    const result = await world.engine.planChanges.change(sub.subscription_id, request(world.basic.product_id));
    expect(result).toMatchObject({ status: 'scheduled', effective_at: 'next_billing_date' });
  });

  test('an explicit effective_at wins over the collection', async () => {
    const sub = await inCollection({ effective_at_on_downgrade: 'next_billing_date' });
    const result = await world.engine.planChanges.change(sub.subscription_id, request(world.basic.product_id, { effective_at: 'immediately' }));
    expect(result).toMatchObject({ status: 'applied', credit_added: 3333 });
  });

  test('on_payment_failure=prevent_change on the collection keeps the old plan when the charge fails', async () => {
    world = await planWorld();
    await world.engine.collections.create({
      name: 'Plans',
      products: [{ product_id: world.basic.product_id }, { product_id: world.pro.product_id }],
      on_payment_failure: 'prevent_change',
    });
    const sub = await subscribe(world.engine, world.basic, { declined: true });
    await advanceTo(world.engine, '2025-04-11');
    const result = await world.engine.planChanges.change(sub.subscription_id, request(world.pro.product_id));
    expect(result).toMatchObject({ status: 'not_applied', subscription: { status: 'active', product_id: world.basic.product_id } });
    const preview = await world.engine.planChanges.preview(sub.subscription_id, request(world.pro.product_id));
    expect(preview.on_payment_failure).toBe('prevent_change');
  });

  test('the merchant may still move outside the collection and against its rules (D7)', async () => {
    const sub = await inCollection({ allow_downgrades: false });
    const result = await world.engine.planChanges.change(sub.subscription_id, request(world.yearly.product_id, { addons: [] }));
    expect(result.status).toBe('applied');
  });

  test('D18 business effective_at defaults bind portal changes only: a merchant downgrade that omits effective_at stays immediate and credits 3333 (§3 B)', async () => {
    const sub = await inCollection({});
    expect((await world.engine.settings.get()).effective_at_on_downgrade).toBe('next_billing_date');
    await world.engine.settings.update({ effective_at_on_upgrade: 'next_billing_date' });
    const result = await world.engine.planChanges.change(sub.subscription_id, request(world.basic.product_id));
    expect(result).toMatchObject({ status: 'applied', effective_at: 'immediately', credit_added: 3333 });
  });

  test('the business on_payment_failure fills a null collection field: prevent_change keeps Basic when the 3333 charge fails (§3 J)', async () => {
    world = await planWorld();
    await world.engine.settings.update({ on_payment_failure: 'prevent_change' });
    await world.engine.collections.create({
      name: 'Plans',
      products: [{ product_id: world.basic.product_id }, { product_id: world.pro.product_id }],
    });
    const sub = await subscribe(world.engine, world.basic, { declined: true });
    await advanceTo(world.engine, '2025-04-11');
    const result = await world.engine.planChanges.change(sub.subscription_id, request(world.pro.product_id));
    expect(result).toMatchObject({ status: 'not_applied', subscription: { status: 'active', product_id: world.basic.product_id } });
    // The request still wins: apply_change puts it on hold owing the 3333.
    const applied = await world.engine.planChanges.change(sub.subscription_id, request(world.pro.product_id, { on_payment_failure: 'apply_change' }));
    expect(applied).toMatchObject({ status: 'on_hold', subscription: { status: 'on_hold', product_id: world.pro.product_id } });
  });
});
