// Rule under test: SPEC §1.10 and §2.9 outcomes — a full refund returns what remains of every line, a line
// refund what remains of that line, partial refunds add up until the payment is full; tax_inclusive=false adds
// the line's pro-rata tax (half up); lines' refunded_amount and the payment's refund_status follow; each
// refund succeeds at once with its refund.succeeded event in the same transaction; get, list and receipts.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import { withProRataTax } from '../../../src/engine/refunds/rules.js';
import { taxInside } from '../../../src/engine/refunds/receipt.js';
import { eventLog, oneTime } from '../../support/checkout-fixtures.js';
import { buy, chargeLines } from '../../support/refund-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

const HOUR = 60 * 60 * 1000;

async function lines(paymentId: string) {
  return (await engine.payments.lineItems(paymentId)).items.map((l) => [l.item_id, l.amount + l.tax, l.refunded_amount]);
}

/** Guide $19 (pdt_0001) and workbook $9 (pdt_0002) bought together: pay_0001, total 2800, no tax. */
async function guideAndWorkbook() {
  const guide = await oneTime(engine, { name: 'Guide', price: 1900 });
  const workbook = await oneTime(engine, { name: 'Workbook', price: 900 });
  return buy(engine, [
    [guide.product_id, 1],
    [workbook.product_id, 1],
  ]);
}

describe('full refunds', () => {
  test('no items refunds every line in full: not partial, payment refund_status full', async () => {
    const payment = await guideAndWorkbook();
    const refund = await engine.refunds.create({ payment_id: payment.payment_id, reason: 'duplicate order', metadata: { ticket: 'T-1' } });
    expect(refund).toEqual({
      refund_id: 'ref_0001',
      payment_id: 'pay_0001',
      business_id: 'bus_0001',
      brand_id: 'brnd_0001',
      customer: { customer_id: 'cus_0001', email: 'buyer@example.com', name: 'Buyer' },
      amount: 2800,
      currency: 'USD',
      is_partial: false,
      reason: 'duplicate order',
      status: 'succeeded',
      items: [
        { item_id: 'pdt_0001', amount: 1900 },
        { item_id: 'pdt_0002', amount: 900 },
      ],
      metadata: { ticket: 'T-1' },
      created_at: '2025-04-01T00:00:00.000Z',
    });
    expect(await lines(payment.payment_id)).toEqual([
      ['pdt_0001', 1900, 1900],
      ['pdt_0002', 900, 900],
    ]);
    expect((await engine.payments.get(payment.payment_id)).refund_status).toBe('full');
  });

  test('a full refund after a partial one returns only the remainder, and is itself partial', async () => {
    const payment = await guideAndWorkbook();
    await engine.refunds.create({ payment_id: payment.payment_id, items: [{ item_id: 'pdt_0001', amount: 400 }] });
    const rest = await engine.refunds.create({ payment_id: payment.payment_id });
    expect(rest).toMatchObject({
      amount: 2400,
      is_partial: true,
      items: [
        { item_id: 'pdt_0001', amount: 1500 },
        { item_id: 'pdt_0002', amount: 900 },
      ],
    });
    expect((await engine.payments.get(payment.payment_id)).refund_status).toBe('full');
  });

  test('a prorated plan-change line cannot be picked, but the whole payment can be refunded', async () => {
    const payment = await chargeLines(engine, [
      { item_id: 'pdt_pro', amount: 1333, tax: 0, is_prorated: true },
      { item_id: 'adn_seat', amount: 667, tax: 0, is_prorated: true },
    ]);
    const refund = await engine.refunds.create({ payment_id: payment.payment_id });
    expect(refund).toMatchObject({ amount: 2000, is_partial: false });
    expect((await engine.payments.get(payment.payment_id)).refund_status).toBe('full');
  });
});

describe('line refunds and multiple partials', () => {
  test('an item without amount refunds the whole line; refund_status partial until every line is back', async () => {
    const payment = await guideAndWorkbook();
    const first = await engine.refunds.create({ payment_id: payment.payment_id, items: [{ item_id: 'pdt_0002' }] });
    expect(first).toMatchObject({ amount: 900, is_partial: true, items: [{ item_id: 'pdt_0002', amount: 900 }] });
    expect(await lines(payment.payment_id)).toEqual([
      ['pdt_0001', 1900, 0],
      ['pdt_0002', 900, 900],
    ]);
    expect((await engine.payments.get(payment.payment_id)).refund_status).toBe('partial');
  });

  test('partials 500, 400, then the rest of the line: refund_status null → partial → partial → full', async () => {
    const guide = await oneTime(engine, { price: 1900 });
    const payment = await buy(engine, [[guide.product_id, 1]]);
    const id = payment.payment_id;
    const statuses = [(await engine.payments.get(id)).refund_status];
    for (const amount of [500, 400, undefined]) {
      engine.clock.advance(HOUR);
      await engine.refunds.create({ payment_id: id, items: [{ item_id: guide.product_id, amount }] });
      statuses.push((await engine.payments.get(id)).refund_status);
    }
    expect(statuses).toEqual([null, 'partial', 'partial', 'full']);
    const page = await engine.refunds.list({ payment_id: id });
    expect(page.items.map((r) => [r.refund_id, r.amount, r.is_partial])).toEqual([
      ['ref_0003', 1000, true],
      ['ref_0002', 400, true],
      ['ref_0001', 500, true],
    ]);
    expect(await lines(id)).toEqual([[guide.product_id, 1900, 1900]]);
    await expect(engine.refunds.create({ payment_id: id })).rejects.toMatchObject({ code: 'PAYMENT_ALREADY_REFUNDED' });
  });

  test('TOO_HIGH counts what earlier refunds took: after 1500 of 1900, 401 is refused and 400 passes', async () => {
    const guide = await oneTime(engine, { price: 1900 });
    const { payment_id } = await buy(engine, [[guide.product_id, 1]]);
    await engine.refunds.create({ payment_id, items: [{ item_id: guide.product_id, amount: 1500 }] });
    const error = await engine.refunds.create({ payment_id, items: [{ item_id: guide.product_id, amount: 401 }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingError);
    expect((error as BillingError).message).toBe(
      `Line item ${guide.product_id} requested refund amount including tax is 401 which is above the paid amount 400`,
    );
    expect((error as BillingError).nextStep).toContain('paid 1900');
    expect(await engine.refunds.create({ payment_id, items: [{ item_id: guide.product_id, amount: 400 }] })).toMatchObject({ amount: 400 });
  });
});

describe('tax: amounts include tax unless tax_inclusive is false', () => {
  // The invoice example of SPEC §2.2 at 18 %: 3 × 1999 − 15 % = 5097, tax round(5097 × 0.18 = 917.46) = 917,
  // paid 6014; a tax-inclusive workbook at 999 = 847 + 152.
  async function taxedPayment() {
    await engine.settings.update({ default_tax_rate_bps: 1800 });
    const guide = await oneTime(engine, { name: 'Guide', price: 1999, discount: 15 });
    const workbook = await oneTime(engine, { name: 'Workbook', price: 999, tax_inclusive: true });
    return buy(engine, [
      [guide.product_id, 3],
      [workbook.product_id, 1],
    ]);
  }

  test('the pro-rata rule with numbers: 1000 without tax on 5097 + 917 returns 1000 + round(179.91) = 1180', () => {
    expect(withProRataTax(1000, { amount: 5097, tax: 917 })).toBe(1180);
    expect(withProRataTax(4097, { amount: 5097, tax: 917 })).toBe(4097 + 737); // 737.09
    expect(withProRataTax(5097, { amount: 5097, tax: 917 })).toBe(6014); // the whole line
    expect(withProRataTax(1, { amount: 5097, tax: 917 })).toBe(1); // 0.18 rounds down
    expect(withProRataTax(3, { amount: 5097, tax: 917 })).toBe(4); // 0.54 rounds up
    expect(withProRataTax(500, { amount: 1900, tax: 0 })).toBe(500);
    expect(taxInside(1180, { amount: 5097, tax: 917 })).toBe(180); // 179.93
    expect(taxInside(6014, { amount: 5097, tax: 917 })).toBe(917);
  });

  test('1000 + 4097 without tax add up to the whole line, its tax exactly 180 + 737 = 917', async () => {
    const payment = await taxedPayment();
    const first = await engine.refunds.create({
      payment_id: payment.payment_id,
      items: [{ item_id: 'pdt_0001', amount: 1000, tax_inclusive: false }],
    });
    expect(first).toMatchObject({ amount: 1180, items: [{ item_id: 'pdt_0001', amount: 1180 }] });
    const second = await engine.refunds.create({
      payment_id: payment.payment_id,
      items: [{ item_id: 'pdt_0001', amount: 4097, tax_inclusive: false }],
    });
    expect(second.amount).toBe(4834);
    expect(await lines(payment.payment_id)).toEqual([
      ['pdt_0001', 6014, 6014],
      ['pdt_0002', 999, 0],
    ]);
    const receipts = [await engine.refunds.receipt(first.refund_id), await engine.refunds.receipt(second.refund_id)];
    expect(receipts.map((r) => r.lines.map((l) => [l.amount, l.tax, l.total]))).toEqual([[[1000, 180, 1180]], [[4097, 737, 4834]]]);
  });

  test('tax_inclusive true (the default) takes the amount as is: 999 refunds the inclusive workbook line', async () => {
    const payment = await taxedPayment();
    expect(await engine.refunds.create({ payment_id: payment.payment_id, items: [{ item_id: 'pdt_0002', amount: 999 }] })).toMatchObject({
      amount: 999,
    });
  });

  test('without tax, an amount whose tax pushes it over the line is too high: 5098 → 6015 > 6014', async () => {
    const payment = await taxedPayment();
    await expect(
      engine.refunds.create({ payment_id: payment.payment_id, items: [{ item_id: 'pdt_0001', amount: 5098, tax_inclusive: false }] }),
    ).rejects.toMatchObject({
      code: 'LINE_ITEM_REFUND_AMOUNT_TOO_HIGH',
      message: 'Line item pdt_0001 requested refund amount including tax is 6015 which is above the paid amount 6014',
    });
  });
});

describe('events and atomicity', () => {
  test('each refund writes one refund.succeeded carrying the refund as stored, after the payment events', async () => {
    const payment = await guideAndWorkbook();
    const refund = await engine.refunds.create({ payment_id: payment.payment_id, items: [{ item_id: 'pdt_0001', amount: 100 }] });
    expect(await eventLog(engine)).toEqual([
      ['payment.processing', 'pay_0001'],
      ['payment.succeeded', 'pay_0001'],
      ['refund.succeeded', 'ref_0001'],
    ]);
    const row = await engine.ctx.db.selectFrom('outbox_events').selectAll().where('type', '=', 'refund.succeeded').executeTakeFirstOrThrow();
    expect(JSON.parse(row.payload)).toEqual({ payload_type: 'Refund', ...refund });
    expect(refund).toEqual(await engine.refunds.get(refund.refund_id));
  });

  test('a refund of a subscription payment emits no subscription event: refunds never cancel', async () => {
    const customer = await engine.customers.create({ email: 's@example.com', name: 'S' });
    const method = await engine.customers.createPaymentMethod(customer.customer_id, { number: '4242424242424242', exp_month: 6, exp_year: 2032 });
    const payment = await engine.payments.charge({
      customer: { customer_id: customer.customer_id, email: customer.email, name: customer.name },
      payment_method: method,
      brand_id: 'brnd_0001',
      currency: 'USD',
      lines: [
        {
          item_id: 'pdt_plan',
          kind: 'product',
          name: 'Plan',
          product_id: 'pdt_plan',
          quantity: 1,
          unit_price: 3000,
          discount_percent: 0,
          tax_inclusive: false,
          gross_amount: 3000,
          product_discount: 0,
          code_discount: 0,
          discount_amount: 0,
          amount: 3000,
          tax: 0,
          total: 3000,
        },
      ],
      tax_rate_bps: 0,
      billing: null,
      metadata: {},
      discount_id: null,
      subscription_id: 'sub_0001',
    });
    const before = (await eventLog(engine)).length;
    await engine.refunds.create({ payment_id: payment.payment_id });
    expect((await eventLog(engine)).slice(before)).toEqual([['refund.succeeded', 'ref_0001']]);
  });

  test('a failure after the refund row is written rolls back the row, the lines and the payment', async () => {
    const payment = await guideAndWorkbook();
    // The event insert fails (its id is already taken), after refund, lines and payment were updated.
    await engine.ctx.db
      .insertInto('outbox_events')
      .values({ event_id: 'evt_0003', business_id: 'bus_0001', type: 'refund.succeeded', object_id: null, payload: '{}', occurred_at: 0 })
      .execute();
    await expect(engine.refunds.create({ payment_id: payment.payment_id })).rejects.toThrow();
    expect(await engine.ctx.db.selectFrom('refunds').selectAll().execute()).toEqual([]);
    expect(await lines(payment.payment_id)).toEqual([
      ['pdt_0001', 1900, 0],
      ['pdt_0002', 900, 0],
    ]);
    expect((await engine.payments.get(payment.payment_id)).refund_status).toBeNull();
  });
});

describe('get, list, receipt', () => {
  test('get of an unknown refund is NOT_FOUND with a next step', async () => {
    await expect(engine.refunds.get('ref_nope')).rejects.toMatchObject({ code: 'NOT_FOUND', nextStep: 'list_refunds shows the existing ids' });
    await expect(engine.refunds.receipt('ref_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('list filters by payment, customer, status and dates, newest first, paged', async () => {
    const guide = await oneTime(engine, { price: 1900 });
    const ann = await buy(engine, [[guide.product_id, 1]], { email: 'ann@example.com' });
    engine.clock.advance(HOUR);
    const bob = await buy(engine, [[guide.product_id, 1]], { email: 'bob@example.com' });
    await engine.refunds.create({ payment_id: ann.payment_id, items: [{ item_id: guide.product_id, amount: 100 }] }); // 01:00
    engine.clock.advance(HOUR);
    await engine.refunds.create({ payment_id: bob.payment_id, items: [{ item_id: guide.product_id, amount: 200 }] }); // 02:00
    engine.clock.advance(HOUR);
    await engine.refunds.create({ payment_id: ann.payment_id, items: [{ item_id: guide.product_id, amount: 300 }] }); // 03:00

    const ids = async (filter: Parameters<typeof engine.refunds.list>[0], page?: { page_size: number; page_number: number }) =>
      (await engine.refunds.list(filter, page)).items.map((r) => r.refund_id);
    expect(await ids({})).toEqual(['ref_0003', 'ref_0002', 'ref_0001']);
    expect(await ids({ payment_id: ann.payment_id })).toEqual(['ref_0003', 'ref_0001']);
    expect(await ids({ customer_id: bob.customer.customer_id })).toEqual(['ref_0002']);
    expect(await ids({ status: 'succeeded' })).toHaveLength(3);
    expect(await ids({ status: 'pending' })).toEqual([]);
    expect(await ids({ created_at_gte: '2025-04-01T02:00:00Z' })).toEqual(['ref_0003', 'ref_0002']);
    expect(await ids({ created_at_lte: '2025-04-01T02:00:00Z' })).toEqual(['ref_0002', 'ref_0001']);
    expect(await engine.refunds.list({}, { page_size: 2, page_number: 0 })).toMatchObject({ has_more: true, page_size: 2 });
    expect(await ids({}, { page_size: 2, page_number: 1 })).toEqual(['ref_0001']);
    await expect(engine.refunds.list({ created_at_gte: 'yesterday' })).rejects.toMatchObject({ code: 'INVALID_REQUEST_BODY' });
  });

  test('the receipt names brand, customer, payment and card; its lines sum to the refund', async () => {
    const payment = await guideAndWorkbook();
    const refund = await engine.refunds.create({
      payment_id: payment.payment_id,
      items: [{ item_id: 'pdt_0001', amount: 700 }, { item_id: 'pdt_0002' }],
      reason: 'damaged',
    });
    const receipt = await engine.refunds.receipt(refund.refund_id);
    expect(receipt).toEqual({
      refund_id: 'ref_0001',
      status: 'succeeded',
      issued_at: '2025-04-01T00:00:00.000Z',
      business_id: 'bus_0001',
      brand: { brand_id: 'brnd_0001', name: 'Primary brand', url: null, support_email: null },
      customer: { customer_id: 'cus_0001', email: 'buyer@example.com', name: 'Buyer' },
      reason: 'damaged',
      payment: {
        payment_id: 'pay_0001',
        invoice_id: 'inv_0001',
        created_at: '2025-04-01T00:00:00.000Z',
        total_amount: 2800,
        payment_method: { type: 'card', card_network: 'Visa', card_last_four: '4242' },
      },
      currency: 'USD',
      lines: [
        { item_id: 'pdt_0001', kind: 'product', name: 'Guide', quantity: 1, paid_amount: 1900, amount: 700, tax: 0, total: 700 },
        { item_id: 'pdt_0002', kind: 'product', name: 'Workbook', quantity: 1, paid_amount: 900, amount: 900, tax: 0, total: 900 },
      ],
      subtotal: 1600,
      tax: 0,
      total_amount: 1600,
      is_partial: true,
    });
  });
});
