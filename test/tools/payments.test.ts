// Rule under test: the payment tools (SPEC §1.9, §1.12, seed 003) — create_payment charges a saved method at
// once, get/list/line items/invoice read what was charged, bad input is isError with the code and next step,
// and a refused call leaves every checkout and payment table unchanged.
import { paymentSummarySchema } from '../../src/tools/schemas/payment.js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CARD_DECLINED, CARD_OK, moneyState, monthlyPlan, oneTime } from '../support/checkout-fixtures.js';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';

let c: ConnectedClient;
beforeEach(async () => {
  c = await connectClient();
});
afterEach(async () => {
  await c.close();
});

/** Ann with a saved 4242 card (pm_0001) and Dee with a declining one (pm_0002); a $19 guide (pdt_0001). */
async function shop() {
  const guide = await oneTime(c.engine, { name: 'Guide', price: 1900 });
  const ann = await c.engine.customers.create({ email: 'ann@example.com', name: 'Ann' });
  await c.engine.customers.createPaymentMethod(ann.customer_id, CARD_OK);
  const dee = await c.engine.customers.create({ email: 'dee@example.com', name: 'Dee' });
  await c.engine.customers.createPaymentMethod(dee.customer_id, CARD_DECLINED);
  return { guide, ann, dee };
}

describe('payment tools', () => {
  test('create_payment → get_payment, list_payments, line items and invoice agree', async () => {
    const { guide, ann } = await shop();
    const payment = await c.ok('create_payment', {
      customer_id: ann.customer_id,
      payment_method_id: 'pm_0001',
      product_cart: [{ product_id: guide.product_id, quantity: 2 }],
      metadata: { purchase_type: 'cross_sell' },
    });
    expect(payment).toMatchObject({ payment_id: 'pay_0001', status: 'succeeded', total_amount: 3800, invoice_id: 'inv_0001' });
    expect(await c.ok('get_payment', { payment_id: 'pay_0001' })).toEqual(payment);
    expect(await c.ok('list_payments', { customer_id: ann.customer_id })).toMatchObject({ items: [{ payment_id: 'pay_0001' }], has_more: false });
    // A list holds summaries; get_payment the whole record (issue 14).
    const [summary] = (await c.ok<{ items: Record<string, unknown>[] }>('list_payments', { customer_id: ann.customer_id })).items;
    expect(Object.keys(summary ?? {}).sort()).toEqual(Object.keys(paymentSummarySchema.shape).sort());
    const whole = await c.ok('get_payment', { payment_id: 'pay_0001' });
    for (const [field, value] of Object.entries(summary ?? {})) expect(whole[field], field).toEqual(value);
    expect(await c.ok('get_payment_line_items', { payment_id: 'pay_0001' })).toMatchObject({
      items: [{ item_id: guide.product_id, quantity: 2, amount: 3800, tax: 0, refunded_amount: 0 }],
    });
    expect(await c.ok('get_payment_invoice', { payment_id: 'pay_0001' })).toMatchObject({ number: 1, total_amount: 3800, status: 'paid' });
  });

  test('a declined saved card is a failed payment; its invoice is NOT_FOUND with a next step', async () => {
    const { guide, dee } = await shop();
    const payment = await c.ok('create_payment', {
      customer_id: dee.customer_id,
      payment_method_id: 'pm_0002',
      product_cart: [{ product_id: guide.product_id, quantity: 1 }],
    });
    expect(payment).toMatchObject({ status: 'failed', error_code: 'CARD_DECLINED', invoice_id: null });
    expect(await c.fail('get_payment_invoice', { payment_id: 'pay_0001' })).toMatch(/^NOT_FOUND: payment pay_0001 has no invoice.*Next: pay again/);
  });

  test('create_checkout_session with payment_method_id + confirm is the one-click path: checkout_url null', async () => {
    const { guide, ann } = await shop();
    const created = await c.ok('create_checkout_session', {
      product_cart: [{ product_id: guide.product_id, quantity: 1 }],
      customer: { customer_id: ann.customer_id },
      payment_method_id: 'pm_0001',
      confirm: true,
    });
    expect(created).toEqual({
      session_id: 'cks_0001',
      checkout_url: null,
      payment_id: 'pay_0001',
      payment_status: 'succeeded',
      subscription_id: null,
    });
  });

  test.each([
    [
      'create_payment: another customer’s method',
      'create_payment',
      { customer_id: 'cus_0001', payment_method_id: 'pm_0002', product_cart: [{ product_id: 'pdt_0001', quantity: 1 }] },
      'INVALID_REQUEST_PARAMETERS',
    ],
    [
      'create_payment: an unknown customer',
      'create_payment',
      { customer_id: 'cus_nope', payment_method_id: 'pm_0001', product_cart: [{ product_id: 'pdt_0001', quantity: 1 }] },
      'NOT_FOUND',
    ],
    [
      'create_payment: a subscription',
      'create_payment',
      { customer_id: 'cus_0001', payment_method_id: 'pm_0001', product_cart: [{ product_id: 'pdt_0002', quantity: 1 }] },
      'INVALID_REQUEST_PARAMETERS',
    ],
    [
      'create_payment: an empty cart',
      'create_payment',
      { customer_id: 'cus_0001', payment_method_id: 'pm_0001', product_cart: [] },
      'PRODUCT_CART_EMPTY',
    ],
    [
      'create_payment: addons (not in its schema)',
      'create_payment',
      { customer_id: 'cus_0001', payment_method_id: 'pm_0001', product_cart: [{ product_id: 'pdt_0001', quantity: 1, addons: [] }] },
      'INVALID_REQUEST_BODY',
    ],
    [
      'create_payment: an unknown code',
      'create_payment',
      { customer_id: 'cus_0001', payment_method_id: 'pm_0001', product_cart: [{ product_id: 'pdt_0001', quantity: 1 }], discount_code: 'NOPE' },
      'INVALID_DISCOUNT_CODE',
    ],
    [
      'create_payment: billing without country',
      'create_payment',
      { customer_id: 'cus_0001', payment_method_id: 'pm_0001', product_cart: [{ product_id: 'pdt_0001', quantity: 1 }], billing: { city: 'Pune' } },
      'INVALID_REQUEST_BODY',
    ],
    ['get_payment: an unknown id', 'get_payment', { payment_id: 'pay_nope' }, 'NOT_FOUND'],
    ['list_payments: a bad status', 'list_payments', { status: 'paid' }, 'INVALID_REQUEST_BODY'],
    ['list_payments: a bad instant', 'list_payments', { created_at_gte: 'last week' }, 'INVALID_REQUEST_BODY'],
    ['list_payments: page_size 101', 'list_payments', { page_size: 101 }, 'INVALID_REQUEST_BODY'],
    ['get_payment_line_items: an unknown id', 'get_payment_line_items', { payment_id: 'pay_nope' }, 'NOT_FOUND'],
    ['get_payment_invoice: an unknown id', 'get_payment_invoice', { payment_id: 'pay_nope' }, 'NOT_FOUND'],
  ])('%s → isError %s, nothing written', async (_name, tool, args, code) => {
    await shop();
    await monthlyPlan(c.engine);
    const before = await moneyState(c.engine);
    const text = await c.fail(tool, args);
    expect(text.startsWith(`${code}: `)).toBe(true);
    expect(text).toContain('. Next: ');
    expect(await moneyState(c.engine)).toEqual(before);
  });
});
