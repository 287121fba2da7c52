// Rule under test: a plan change's lines explain its money (SPEC §2.4, D2, D4; issue "plan-change lines
// don't add up"). Basic 1000 → Pro 3000 with 21 of 31 days left: "Pro 1 × 3000 × 0.677419 = 2032" and
// "Unused time on Basic 1 × −1000 × 0.677419 = −677", 1355 in all — in the preview, the change's result,
// the payment's lines and the invoice alike; tax and a code apply line by line, credits pay billed lines
// only, and the whole payment refunds what was paid, not the billed line's 2032.
import { afterEach, describe, expect, test } from 'vitest';
import type { PlanChangeLineItem, PlanChangeRequest } from '../../../src/engine/plan-changes/types.js';
import type { Product } from '../../../src/engine/products/types.js';
import { advanceTo, isoDay, subscribe } from '../../support/plan-change-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
afterEach(async () => engine?.close());

async function world(): Promise<{ basic: Product; pro: Product }> {
  engine = await createTestEngine(isoDay('2025-05-01'));
  const monthly = (name: string, price: number) =>
    engine.products.create({
      name,
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
    });
  return { basic: await monthly('Basic', 1000), pro: await monthly('Pro', 3000) };
}

/** Basic from 05-01; on 05-11 (21 of 31 days left) the change to Pro with `extra`. */
async function upgradeOn0511(extra: Partial<PlanChangeRequest> = {}) {
  const { basic, pro } = await world();
  const sub = await subscribe(engine, basic);
  await advanceTo(engine, '2025-05-11');
  const body: PlanChangeRequest = { product_id: pro.product_id, quantity: 1, proration_billing_mode: 'prorated_immediately', ...extra };
  const preview = await engine.planChanges.preview(sub.subscription_id, body);
  const result = await engine.planChanges.change(sub.subscription_id, body);
  return { basic, pro, sub, preview, result };
}

const shown = (items: readonly PlanChangeLineItem[]) =>
  items.map((l) => [l.name, l.quantity, l.unit_price, l.proration_factor, l.amount, l.tax, l.total]);

describe('the lines of Basic 1000 → Pro 3000 with 21 of 31 days left', () => {
  test('Pro 2032 and unused Basic −677 sum to the 1355 charged, everywhere they are shown', async () => {
    const { basic, pro, preview, result } = await upgradeOn0511();
    expect(shown(preview.immediate_charge.line_items)).toEqual([
      ['Pro', 1, 3000, '0.677419', 2032, 0, 2032],
      ['Unused time on Basic', 1, -1000, '0.677419', -677, 0, -677],
    ]);
    expect(preview.immediate_charge.summary).toMatchObject({ subtotal: 1355, total_amount: 1355 });
    expect(result).toMatchObject({ status: 'applied', amount_charged: 1355 });
    expect(result.line_items).toEqual(preview.immediate_charge.line_items);

    const paymentId = result.payment_id ?? '';
    const lines = await engine.payments.lineItems(paymentId);
    expect(
      lines.items.map((l) => [l.item_id, l.kind, l.name, l.quantity, l.unit_price, l.proration_factor, l.gross_amount, l.amount, l.is_prorated]),
    ).toEqual([
      [pro.product_id, 'product', 'Pro', 1, 3000, '0.677419', 2032, 2032, true],
      [basic.product_id, 'product', 'Unused time on Basic', 1, -1000, '0.677419', -677, -677, true],
    ]);
    const invoice = await engine.payments.invoice(paymentId);
    expect(invoice.lines.map((l) => [l.name, l.quantity, l.unit_price, l.gross_amount, l.total])).toEqual([
      ['Pro', 1, 3000, 2032, 2032],
      ['Unused time on Basic', 1, -1000, -677, -677],
    ]);
    expect([invoice.subtotal, invoice.total_amount]).toEqual([1355, 1355]);
  });

  test('10 % tax applies line by line: 2032 + 203, −677 − 68 → 1490 charged', async () => {
    const { basic, pro } = await world();
    await engine.settings.update({ default_tax_rate_bps: 1000 });
    const sub = await subscribe(engine, basic);
    await advanceTo(engine, '2025-05-11');
    const body: PlanChangeRequest = { product_id: pro.product_id, quantity: 1, proration_billing_mode: 'prorated_immediately' };
    const preview = await engine.planChanges.preview(sub.subscription_id, body);
    expect(shown(preview.immediate_charge.line_items)).toEqual([
      ['Pro', 1, 3000, '0.677419', 2032, 203, 2235],
      ['Unused time on Basic', 1, -1000, '0.677419', -677, -68, -745],
    ]);
    expect(preview.immediate_charge.summary).toMatchObject({ subtotal: 1355, tax: 135, total_amount: 1490 });
    const result = await engine.planChanges.change(sub.subscription_id, body);
    const payment = await engine.payments.get(result.payment_id ?? '');
    expect([payment.subtotal, payment.tax, payment.total_amount]).toEqual([1355, 135, 1490]);
  });

  test('a 10 % code takes 10 % of each line: 2032 − 203 and −677 + 68 → 1220', async () => {
    const { preview, result } = await upgradeWithCode();
    expect(preview.immediate_charge.line_items.map((l) => [l.amount, l.discount_amount, l.total])).toEqual([
      [2032, 203, 1829],
      [-677, -68, -609],
    ]);
    expect(preview.immediate_charge.summary).toMatchObject({ subtotal: 1355, code_discount: 135, total_amount: 1220 });
    expect(result.amount_charged).toBe(1220);
  });

  test('subscription credit pays the billed line only: 500 credit → Pro 2032 − 500, unused Basic −677 → 855', async () => {
    const { basic, pro } = await world();
    const sub = await subscribe(engine, basic);
    // 500 of credit as an earlier downgrade would have left it.
    await engine.ctx.db.updateTable('subscriptions').set({ credit_balance: 500 }).where('subscription_id', '=', sub.subscription_id).execute();
    await advanceTo(engine, '2025-05-11');
    const body: PlanChangeRequest = { product_id: pro.product_id, quantity: 1, proration_billing_mode: 'prorated_immediately' };
    const preview = await engine.planChanges.preview(sub.subscription_id, body);
    expect(preview.immediate_charge.line_items.map((l) => [l.amount, l.discount_amount, l.total])).toEqual([
      [2032, 500, 1532],
      [-677, 0, -677],
    ]);
    expect(preview.immediate_charge.summary).toMatchObject({ subscription_credit_used: 500, total_amount: 855 });
    expect((await engine.planChanges.change(sub.subscription_id, body)).amount_charged).toBe(855);
  });
});

/** The 05-11 upgrade with a new 10 % code, TENOFF. */
async function upgradeWithCode() {
  const { basic, pro } = await world();
  await engine.discounts.create({ code: 'TENOFF', type: 'percentage', amount: 1000 });
  const sub = await subscribe(engine, basic);
  await advanceTo(engine, '2025-05-11');
  const body: PlanChangeRequest = {
    product_id: pro.product_id,
    quantity: 1,
    proration_billing_mode: 'prorated_immediately',
    discount_code: 'TENOFF',
  };
  const preview = await engine.planChanges.preview(sub.subscription_id, body);
  const result = await engine.planChanges.change(sub.subscription_id, body);
  return { preview, result };
}

describe('refunding a plan-change payment', () => {
  test('the whole payment refunds the 1355 paid: Pro gets 1355 of its 2032, the credit line nothing', async () => {
    const { pro, result } = await upgradeOn0511();
    const paymentId = result.payment_id ?? '';
    await expect(engine.refunds.create({ payment_id: paymentId, items: [{ item_id: pro.product_id }] })).rejects.toMatchObject({
      code: 'LINE_ITEM_PRORATED',
    });
    const refund = await engine.refunds.create({ payment_id: paymentId });
    expect(refund.amount).toBe(1355);
    const lines = await engine.payments.lineItems(paymentId);
    expect(lines.items.map((l) => l.refunded_amount)).toEqual([1355, 0]);
    expect((await engine.payments.get(paymentId)).refund_status).toBe('full');
    await expect(engine.refunds.create({ payment_id: paymentId })).rejects.toMatchObject({ code: 'PAYMENT_ALREADY_REFUNDED' });
  });
});
