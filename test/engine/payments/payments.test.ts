// Rule under test: SPEC §1.9 payments and §1.12 invoices — the payment shape, list filters (customer, status,
// date range) newest first and paged, line items, invoices numbered 1, 2, 3 per business for succeeded
// payments only (a failed payment takes no number), invoice lines summing to the totals.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import { CARD_DECLINED, CARD_OK, oneTime } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

const HOUR = 60 * 60 * 1000;

async function buy(productId: string, email: string, card: typeof CARD_OK | typeof CARD_DECLINED = CARD_OK) {
  const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: productId, quantity: 1 }], customer: { email, name: 'Buyer' } });
  return (await engine.checkout.complete(session_id, { card })).payment;
}

async function failure(promise: Promise<unknown>): Promise<BillingError> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof BillingError)) throw new Error(`expected a BillingError, got ${String(error)}`);
  return error;
}

describe('SPEC §1.12 invoices', () => {
  test('numbers run 1, 2, 3 across payments; a failed payment in between gets none', async () => {
    const guide = await oneTime(engine);
    const numbers: number[] = [];
    for (const [email, card] of [
      ['a@example.com', CARD_OK],
      ['b@example.com', CARD_DECLINED],
      ['c@example.com', CARD_OK],
      ['d@example.com', CARD_OK],
    ] as const) {
      const payment = await buy(guide.product_id, email, card);
      if (payment.status === 'succeeded') numbers.push((await engine.payments.invoice(payment.payment_id)).number);
    }
    expect(numbers).toEqual([1, 2, 3]);
  });

  test('the invoice holds business, brand, customer, lines and totals that add up', async () => {
    const guide = await oneTime(engine, { name: 'Guide', price: 1999, discount: 15 });
    const workbook = await oneTime(engine, { name: 'Workbook', price: 999, tax_inclusive: true });
    await engine.settings.update({ default_tax_rate_bps: 1800 });
    const { session_id } = await engine.checkout.create({
      product_cart: [
        { product_id: guide.product_id, quantity: 3 },
        { product_id: workbook.product_id, quantity: 1 },
      ],
      customer: { email: 'ann@example.com', name: 'Ann' },
      billing_address: { country: 'IN', zipcode: '560001' },
    });
    const { payment } = await engine.checkout.complete(session_id, { card: CARD_OK });
    const invoice = await engine.payments.invoice(payment.payment_id);
    // Guide: 5997 − 900 (15 % of 5997 = 899.55) = 5097, tax 917 (18 % = 917.46). Workbook: 999 inclusive → 847 + 152.
    expect(invoice.lines.map((l) => [l.item_id, l.gross_amount, l.discount_amount, l.amount, l.tax, l.total])).toEqual([
      [guide.product_id, 5997, 900, 5097, 917, 6014],
      [workbook.product_id, 999, 0, 847, 152, 999],
    ]);
    expect(invoice).toMatchObject({
      number: 1,
      status: 'paid',
      issued_at: '2025-04-01T00:00:00.000Z',
      business_id: 'bus_0001',
      brand: { brand_id: 'brnd_0001', name: 'Primary brand' },
      customer: { email: 'ann@example.com', name: 'Ann' },
      billing: { country: 'IN', zipcode: '560001' },
      payment_method: { type: 'card', card_network: 'Visa', card_last_four: '4242' },
      subtotal: 5944,
      discount_amount: 900,
      tax_rate_bps: 1800,
      tax: 1069,
      total_amount: 7013,
      subscription_id: null,
      period: null,
    });
    expect(invoice.lines.reduce((sum, l) => sum + l.total, 0)).toBe(invoice.total_amount);
    expect(payment).toMatchObject({ subtotal: 5944, tax: 1069, total_amount: 7013, invoice_id: invoice.invoice_id });
  });

  test('no invoice for a failed payment: NOT_FOUND with a next step', async () => {
    const guide = await oneTime(engine);
    const payment = await buy(guide.product_id, 'a@example.com', CARD_DECLINED);
    const error = await failure(engine.payments.invoice(payment.payment_id));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('failed');
    expect(error.nextStep).toContain('CARD_DECLINED');
    expect((await failure(engine.payments.invoice('pay_nope'))).code).toBe('NOT_FOUND');
  });
});

describe('SPEC §1.9 payments: get, list, line items', () => {
  test('get and line items of an unknown payment are NOT_FOUND', async () => {
    expect((await failure(engine.payments.get('pay_nope'))).code).toBe('NOT_FOUND');
    expect((await failure(engine.payments.lineItems('pay_nope'))).code).toBe('NOT_FOUND');
  });

  test('line items carry refund bookkeeping and no proration for one-time purchases', async () => {
    const guide = await oneTime(engine, { price: 1900 });
    const payment = await buy(guide.product_id, 'a@example.com');
    expect(await engine.payments.lineItems(payment.payment_id)).toEqual({
      payment_id: payment.payment_id,
      currency: 'USD',
      items: [
        {
          item_id: guide.product_id,
          kind: 'product',
          name: 'Guide',
          quantity: 1,
          unit_price: 1900,
          gross_amount: 1900,
          discount_amount: 0,
          amount: 1900,
          tax: 0,
          is_prorated: false,
          proration_factor: null,
          refunded_amount: 0,
        },
      ],
    });
  });

  test('list: newest first, filtered by customer, status and created_at range, paged', async () => {
    const guide = await oneTime(engine);
    const first = await buy(guide.product_id, 'a@example.com');
    engine.clock.advance(HOUR);
    const declined = await buy(guide.product_id, 'b@example.com', CARD_DECLINED);
    engine.clock.advance(HOUR);
    const third = await buy(guide.product_id, 'a@example.com');
    const ids = (page: { items: Array<{ payment_id: string }> }) => page.items.map((p) => p.payment_id);

    expect(ids(await engine.payments.list())).toEqual([third.payment_id, declined.payment_id, first.payment_id]);
    expect(ids(await engine.payments.list({ customer_id: first.customer.customer_id }))).toEqual([third.payment_id, first.payment_id]);
    expect(ids(await engine.payments.list({ status: 'failed' }))).toEqual([declined.payment_id]);
    expect(ids(await engine.payments.list({ created_at_gte: '2025-04-01T01:00:00Z', created_at_lte: '2025-04-01T01:00:00Z' }))).toEqual([
      declined.payment_id,
    ]);
    expect(ids(await engine.payments.list({ created_at_gte: '2025-04-01T01:00:01Z' }))).toEqual([third.payment_id]);
    const page0 = await engine.payments.list({}, { page_size: 2 });
    const page1 = await engine.payments.list({}, { page_size: 2, page_number: 1 });
    expect([ids(page0), page0.has_more, ids(page1), page1.has_more]).toEqual([
      [third.payment_id, declined.payment_id],
      true,
      [first.payment_id],
      false,
    ]);
    expect((await failure(engine.payments.list({ created_at_gte: 'yesterday' }))).code).toBe('INVALID_REQUEST_BODY');
  });
});
