// Rule under test: SPEC §2.1 completion of a one-time checkout — one payment per session with a line per
// product (processing → succeeded|failed, events in the same transaction), invoice and code use on success,
// a declined card leaves the session open (SPEC §5), a paid session is CHECKOUT_SESSION_CONSUMED, and a
// session expires after 24 h (15 min with confirm), read from the frozen clock.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import { CARD_DECLINED, CARD_OK, eventLog, moneyState, oneTime } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

const ann = { email: 'ann@example.com', name: 'Ann' };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof BillingError)) throw new Error(`expected a BillingError, got ${String(error)}`);
  return error.code;
}

describe('SPEC §2.1 completion, one-time cart', () => {
  test('4242 pays: one payment, a line per product, an invoice, events processing → succeeded', async () => {
    const guide = await oneTime(engine, { name: 'Guide', price: 1900 });
    const workbook = await oneTime(engine, { name: 'Workbook', price: 900, discount: 10 });
    await engine.settings.update({ default_tax_rate_bps: 1000 });
    const { session_id } = await engine.checkout.create({
      product_cart: [
        { product_id: guide.product_id, quantity: 2 },
        { product_id: workbook.product_id, quantity: 1 },
      ],
      customer: ann,
      billing_address: { country: 'US' },
      metadata: { order: '42' },
    });
    const done = await engine.checkout.complete(session_id, { card: CARD_OK });
    // Guide 2 × 1900 = 3800, tax 380; Workbook 900 − 90 = 810, tax 81 → subtotal 4610, tax 461.
    expect(done.status).toBe('completed');
    expect(done.payment).toMatchObject({
      payment_id: 'pay_0001',
      status: 'succeeded',
      currency: 'USD',
      subtotal: 4610,
      tax: 461,
      total_amount: 5071,
      customer: { customer_id: 'cus_0001', email: 'ann@example.com', name: 'Ann' },
      billing: { country: 'US', street: null, city: null, state: null, zipcode: null },
      product_cart: [
        { product_id: guide.product_id, quantity: 2 },
        { product_id: workbook.product_id, quantity: 1 },
      ],
      payment_method_id: 'pm_0001',
      payment_method_type: 'card',
      card_last_four: '4242',
      card_network: 'Visa',
      checkout_session_id: session_id,
      invoice_id: 'inv_0001',
      metadata: { order: '42' },
      error_code: null,
    });
    const lines = await engine.payments.lineItems('pay_0001');
    expect(lines.items.map((l) => [l.item_id, l.quantity, l.gross_amount, l.discount_amount, l.amount, l.tax])).toEqual([
      [guide.product_id, 2, 3800, 0, 3800, 380],
      [workbook.product_id, 1, 900, 90, 810, 81],
    ]);
    expect(await eventLog(engine)).toEqual([
      ['payment.processing', 'pay_0001'],
      ['payment.succeeded', 'pay_0001'],
    ]);
    const session = await engine.checkout.get(session_id);
    expect(session).toMatchObject({ status: 'completed', payment_id: 'pay_0001', payment_status: 'succeeded', customer_id: 'cus_0001' });
  });

  test('SPEC §5: 4000 0000 0000 0002 declines — payment failed with CARD_DECLINED, payment.failed, session still open', async () => {
    const guide = await oneTime(engine);
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: guide.product_id, quantity: 1 }], customer: ann });
    const failed = await engine.checkout.complete(session_id, { card: CARD_DECLINED });
    expect(failed.status).toBe('open');
    expect(failed.payment).toMatchObject({ status: 'failed', error_code: 'CARD_DECLINED', invoice_id: null, card_last_four: '0002' });
    expect(await eventLog(engine)).toEqual([
      ['payment.processing', 'pay_0001'],
      ['payment.failed', 'pay_0001'],
    ]);
    expect(await engine.checkout.get(session_id)).toMatchObject({ status: 'open', payment_id: 'pay_0001', payment_status: 'failed' });
    expect(await codeOf(engine.payments.invoice('pay_0001'))).toBe('NOT_FOUND');

    // Another try with a good card on the same session pays it, for the same customer.
    const retried = await engine.checkout.complete(session_id, { card: CARD_OK });
    expect(retried.payment).toMatchObject({ payment_id: 'pay_0002', status: 'succeeded', customer: { customer_id: 'cus_0001' } });
    expect((await moneyState(engine)).customers).toBe(1);
  });

  test('CHECKOUT_SESSION_CONSUMED on a second completion, with nothing written', async () => {
    const guide = await oneTime(engine);
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: guide.product_id, quantity: 1 }], customer: ann });
    await engine.checkout.complete(session_id, { card: CARD_OK });
    const before = await moneyState(engine);
    expect(await codeOf(engine.checkout.complete(session_id, { card: CARD_OK }))).toBe('CHECKOUT_SESSION_CONSUMED');
    expect(await moneyState(engine)).toEqual(before);
  });

  test('expiry: 24 h without confirm, read from the frozen clock; completing marks the session expired', async () => {
    const guide = await oneTime(engine);
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: guide.product_id, quantity: 1 }], customer: ann });
    expect((await engine.checkout.get(session_id)).expires_at).toBe('2025-04-02T00:00:00.000Z');
    engine.clock.set('2025-04-01T23:59:59.999Z');
    expect((await engine.checkout.get(session_id)).status).toBe('open');
    engine.clock.set('2025-04-02T00:00:00.000Z');
    expect((await engine.checkout.get(session_id)).status).toBe('expired');
    expect(await codeOf(engine.checkout.complete(session_id, { card: CARD_OK }))).toBe('INVALID_REQUEST_PARAMETERS');
    const row = await engine.ctx.db.selectFrom('checkout_sessions').select('status').executeTakeFirstOrThrow();
    expect(row.status).toBe('expired');
    expect((await moneyState(engine)).payments).toBe(0);
  });

  test('expiry: 15 min with confirm', async () => {
    const guide = await oneTime(engine);
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: guide.product_id, quantity: 1 }],
      customer: ann,
      confirm: true,
      billing_address: { country: 'US', street: '1 Main St', city: 'SF', state: 'CA', zipcode: '94102' },
    });
    expect((await engine.checkout.get(session_id)).expires_at).toBe('2025-04-01T00:15:00.000Z');
    engine.clock.advance(15 * 60 * 1000);
    expect(await codeOf(engine.checkout.complete(session_id, { card: CARD_OK }))).toBe('INVALID_REQUEST_PARAMETERS');
  });

  test('SPEC §2.1 rule 7: an email matches the existing customer; always_create_new_customer makes a new one', async () => {
    const guide = await oneTime(engine);
    const existing = await engine.customers.create({ email: 'ann@example.com', name: 'Ann' });
    const matched = await engine.checkout.create({
      product_cart: [{ product_id: guide.product_id, quantity: 1 }],
      customer: { email: 'ANN@example.com' },
    });
    expect((await engine.checkout.get(matched.session_id)).customer_id).toBe(existing.customer_id);
    const fresh = await engine.checkout.create({
      product_cart: [{ product_id: guide.product_id, quantity: 1 }],
      customer: ann,
      feature_flags: { always_create_new_customer: true },
    });
    expect((await engine.checkout.get(fresh.session_id)).customer_id).toBeNull();
    const paid = await engine.checkout.complete(fresh.session_id, { card: CARD_OK });
    expect(paid.payment.customer.customer_id).not.toBe(existing.customer_id);
  });

  test('a session without a customer needs email and name at payment; a card that fails Luhn saves nothing', async () => {
    const guide = await oneTime(engine);
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: guide.product_id, quantity: 1 }] });
    const before = await moneyState(engine);
    expect(await codeOf(engine.checkout.complete(session_id, { card: CARD_OK }))).toBe('INVALID_REQUEST_BODY');
    expect(await codeOf(engine.checkout.complete(session_id, { card: { ...CARD_OK, number: '4242424242424241' } }, { customer: ann }))).toBe(
      'INVALID_REQUEST_BODY',
    );
    expect(await moneyState(engine)).toEqual(before);
    const done = await engine.checkout.complete(session_id, { card: CARD_OK }, { customer: ann });
    expect(done.payment.customer).toMatchObject({ email: 'ann@example.com', name: 'Ann' });
    expect((await moneyState(engine)).customers).toBe(1);
  });

  test('PWYW: the amount may come at completion; below the minimum is refused', async () => {
    const tip = await oneTime(engine, { name: 'Tip', price: 500, pay_what_you_want: true });
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: tip.product_id, quantity: 1 }], customer: ann });
    expect(await codeOf(engine.checkout.complete(session_id, { card: CARD_OK }))).toBe('PAY_AS_YOU_WANT_AMOUNT_REQUIRED');
    expect(await codeOf(engine.checkout.complete(session_id, { card: CARD_OK }, { amounts: [{ product_id: tip.product_id, amount: 499 }] }))).toBe(
      'REQUEST_AMOUNT_BELOW_MINIMUM',
    );
    const done = await engine.checkout.complete(session_id, { card: CARD_OK }, { amounts: [{ product_id: tip.product_id, amount: 1200 }] });
    expect(done.payment.total_amount).toBe(1200);
  });

  test('SPEC §2.1 rule 10: the code applies to eligible lines and times_used moves only on success', async () => {
    const guide = await oneTime(engine, { name: 'Guide', price: 2000 });
    const workbook = await oneTime(engine, { name: 'Workbook', price: 1000 });
    const code = await engine.discounts.create({ code: 'GUIDE10', type: 'percentage', amount: 1000, restricted_to: [guide.product_id] });
    const { session_id } = await engine.checkout.create({
      product_cart: [
        { product_id: guide.product_id, quantity: 1 },
        { product_id: workbook.product_id, quantity: 1 },
      ],
      customer: ann,
      discount_code: 'guide10',
    });
    const failed = await engine.checkout.complete(session_id, { card: CARD_DECLINED });
    expect(failed.payment.discount_id).toBe(code.discount_id);
    expect((await engine.discounts.get(code.discount_id)).times_used).toBe(0);
    const paid = await engine.checkout.complete(session_id, { card: CARD_OK });
    expect(paid.payment.total_amount).toBe(2800);
    expect((await engine.discounts.get(code.discount_id)).times_used).toBe(1);
  });

  test('SPEC §2.1 rule 14: the redirect carries payment_id and status', async () => {
    const guide = await oneTime(engine);
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: guide.product_id, quantity: 1 }],
      customer: ann,
      return_url: 'https://shop.example.com/thanks?from=checkout',
    });
    const done = await engine.checkout.complete(session_id, { card: CARD_OK });
    expect(done.redirect_url).toBe('https://shop.example.com/thanks?from=checkout&payment_id=pay_0001&status=succeeded');
  });
});
