// Rules under test: CheckoutService.choose — the buyer's changes on the checkout page, checked with create's
// rules (SPEC §2.1): rule 6 product switch in a collection, rules 1/4/5 quantities, addons and
// pay-what-you-want amounts, rule 10 (§2.8) discount codes validated on the spot, rule 12 the minimum,
// rules 7–8 customer and address; an expired session is refused, a paid one CHECKOUT_SESSION_CONSUMED.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CARD_OK } from '../../support/checkout-fixtures.js';
import type { TestEngine } from '../../support/test-engine.js';
import { FULL_ADDRESS, openWorld, type World } from './world.js';

let engine: TestEngine;
let w: World;
beforeEach(async () => {
  ({ engine, w } = await openWorld());
});
afterEach(async () => {
  await engine.close();
});

const planCheckout = () => engine.checkout.create({ product_collection_id: w.plans.collection_id });
const cartOf = (productId: string, quantity = 1) => engine.checkout.create({ product_cart: [{ product_id: productId, quantity }] });

describe('SPEC §2.1 rule 6: switching the collection product', () => {
  test('Basic pre-selected, switch to Pro: the cart and total follow', async () => {
    const { session_id } = await planCheckout();
    const page = await engine.checkout.choose(session_id, { product_id: w.pro.product_id });
    expect(page.session.selected_product_id).toBe(w.pro.product_id);
    expect(page.session.product_cart).toEqual([expect.objectContaining({ product_id: w.pro.product_id, quantity: 1, addons: [] })]);
    expect(page.session.summary.total_amount).toBe(8000);
  });

  test('a product the collection does not offer is INVALID_REQUEST_PARAMETERS and changes nothing', async () => {
    const { session_id } = await planCheckout();
    await expect(engine.checkout.choose(session_id, { product_id: w.guide.product_id })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
    });
    expect((await engine.checkout.get(session_id)).selected_product_id).toBe(w.basic.product_id);
  });

  test('a cart checkout cannot switch product', async () => {
    const { session_id } = await cartOf(w.guide.product_id);
    await expect(engine.checkout.choose(session_id, { product_id: w.workbook.product_id })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
    });
  });

  test('a code restricted to Basic is dropped when the buyer switches to Pro', async () => {
    await engine.discounts.create({ code: 'BASIC10', type: 'percentage', amount: 1000, restricted_to: [w.basic.product_id] });
    const { session_id } = await planCheckout();
    await engine.checkout.choose(session_id, { discount_code: 'BASIC10' });
    const page = await engine.checkout.choose(session_id, { product_id: w.pro.product_id });
    expect(page.session.discount_code).toBeNull();
    expect(page.session.summary.total_amount).toBe(8000);
  });
});

describe('SPEC §2.1 rules 1, 4, 5: quantities, addons, amounts', () => {
  test('quantity 3 of the $19.00 Guide → $57.00', async () => {
    const { session_id } = await cartOf(w.guide.product_id);
    const page = await engine.checkout.choose(session_id, { quantities: [{ product_id: w.guide.product_id, quantity: 3 }] });
    expect(page.session.summary.total_amount).toBe(5700);
  });

  test('quantity 0 is INVALID_REQUEST_BODY (rule 1) and changes nothing', async () => {
    const { session_id } = await cartOf(w.guide.product_id, 2);
    await expect(engine.checkout.choose(session_id, { quantities: [{ product_id: w.guide.product_id, quantity: 0 }] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_BODY',
    });
    expect((await engine.checkout.get(session_id)).product_cart[0]?.quantity).toBe(2);
  });

  test('a quantity for a product not in the cart is INVALID_REQUEST_PARAMETERS', async () => {
    const { session_id } = await cartOf(w.guide.product_id);
    await expect(engine.checkout.choose(session_id, { quantities: [{ product_id: w.workbook.product_id, quantity: 1 }] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
    });
  });

  test('2 seats on Basic: 3000 + 2 × 500 = 4000; seat quantity 0 removes them', async () => {
    const { session_id } = await cartOf(w.basic.product_id);
    const withSeats = await engine.checkout.choose(session_id, { addons: [{ addon_id: w.seat.addon_id, quantity: 2 }] });
    expect(withSeats.session.summary.total_amount).toBe(4000);
    const without = await engine.checkout.choose(session_id, { addons: [{ addon_id: w.seat.addon_id, quantity: 0 }] });
    expect(without.session.product_cart[0]?.addons).toEqual([]);
    expect(without.session.summary.total_amount).toBe(3000);
  });

  test('an addon not attached to the plan is MISSING_ADDON_IDS (rule 4)', async () => {
    const { session_id } = await cartOf(w.basic.product_id);
    await expect(engine.checkout.choose(session_id, { addons: [{ addon_id: w.spare.addon_id, quantity: 1 }] })).rejects.toMatchObject({
      code: 'MISSING_ADDON_IDS',
    });
  });

  test('pay what you want: 800 on a 500 minimum is taken; 499 is REQUEST_AMOUNT_BELOW_MINIMUM (rule 5)', async () => {
    const { session_id } = await cartOf(w.tip.product_id);
    const page = await engine.checkout.choose(session_id, { amounts: [{ product_id: w.tip.product_id, amount: 800 }] });
    expect(page.session.summary.total_amount).toBe(800);
    await expect(engine.checkout.choose(session_id, { amounts: [{ product_id: w.tip.product_id, amount: 499 }] })).rejects.toMatchObject({
      code: 'REQUEST_AMOUNT_BELOW_MINIMUM',
    });
  });

  test('confirm=true: a changed quantity is refused, the same quantity is not', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      confirm: true,
      billing_address: FULL_ADDRESS,
    });
    await expect(engine.checkout.choose(session_id, { quantities: [{ product_id: w.guide.product_id, quantity: 2 }] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
    });
    await expect(engine.checkout.choose(session_id, { quantities: [{ product_id: w.guide.product_id, quantity: 1 }] })).resolves.toBeDefined();
  });

  test('rule 12: switching to a product under the USD 0.50 minimum is refused', async () => {
    const sticker = await engine.collections.create({
      name: 'Small',
      products: [{ product_id: w.guide.product_id }, { product_id: w.sticker.product_id }],
    });
    const { session_id } = await engine.checkout.create({ product_collection_id: sticker.collection_id });
    await expect(engine.checkout.choose(session_id, { product_id: w.sticker.product_id })).rejects.toMatchObject({
      code: 'TOTAL_PAYMENT_AMOUNT_BELOW_MINIMUM_AMOUNT',
    });
  });
});

describe('SPEC §2.1 rule 10 / §2.8: discount codes checked on the spot', () => {
  test('a 10 % code on the $30.00 Basic plan takes $3.00 off: total $27.00', async () => {
    await engine.discounts.create({ code: 'TEN', type: 'percentage', amount: 1000 });
    const { session_id } = await cartOf(w.basic.product_id);
    const page = await engine.checkout.choose(session_id, { discount_code: 'ten' });
    expect(page.session.discount_code).toBe('TEN');
    expect(page.session.summary).toMatchObject({ discount_amount: 300, total_amount: 2700 });
  });

  test('an unknown code is INVALID_DISCOUNT_CODE and changes nothing (the applied code stays)', async () => {
    await engine.discounts.create({ code: 'TEN', type: 'percentage', amount: 1000 });
    const { session_id } = await cartOf(w.basic.product_id);
    await engine.checkout.choose(session_id, { discount_code: 'TEN' });
    await expect(
      engine.checkout.choose(session_id, { discount_code: 'NOPE', quantities: [{ product_id: w.basic.product_id, quantity: 2 }] }),
    ).rejects.toMatchObject({
      code: 'INVALID_DISCOUNT_CODE',
    });
    const session = await engine.checkout.get(session_id);
    expect(session).toMatchObject({ discount_code: 'TEN', product_cart: [expect.objectContaining({ quantity: 1 })] });
  });

  test('a code restricted to another product is DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT', async () => {
    await engine.discounts.create({ code: 'PRO5', type: 'percentage', amount: 500, restricted_to: [w.pro.product_id] });
    const { session_id } = await cartOf(w.basic.product_id);
    await expect(engine.checkout.choose(session_id, { discount_code: 'PRO5' })).rejects.toMatchObject({ code: 'DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT' });
  });

  test('null removes the applied code', async () => {
    await engine.discounts.create({ code: 'TEN', type: 'percentage', amount: 1000 });
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.basic.product_id, quantity: 1 }], discount_code: 'TEN' });
    const page = await engine.checkout.choose(session_id, { discount_code: null });
    expect(page.session).toMatchObject({ discount_code: null, discount_id: null, summary: { total_amount: 3000 } });
  });

  test('with allow_discount_code false a code is refused', async () => {
    await engine.discounts.create({ code: 'TEN', type: 'percentage', amount: 1000 });
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.basic.product_id, quantity: 1 }],
      feature_flags: { allow_discount_code: false },
    });
    await expect(engine.checkout.choose(session_id, { discount_code: 'TEN' })).rejects.toMatchObject({ code: 'INVALID_REQUEST_PARAMETERS' });
  });

  test('the code applied on the page is the one paid with (times_used 1)', async () => {
    const code = await engine.discounts.create({ code: 'TEN', type: 'percentage', amount: 1000 });
    const { session_id } = await cartOf(w.basic.product_id);
    await engine.checkout.choose(session_id, { discount_code: 'TEN', customer: { email: 'c@example.com', name: 'C' } });
    const paid = await engine.checkout.complete(session_id, { card: CARD_OK });
    expect(paid.payment).toMatchObject({ total_amount: 2700, discount_id: code.discount_id });
    expect((await engine.discounts.get(code.discount_id)).times_used).toBe(1);
  });
});

describe('SPEC §2.1 rules 7–8: customer details and the billing address', () => {
  test('the buyer fills email, name and a full address; payment creates that customer with that address', async () => {
    const { session_id } = await cartOf(w.guide.product_id);
    const page = await engine.checkout.choose(session_id, {
      customer: { email: ' Zoe@Example.com ', name: 'Zoe', phone_number: '+14155550100' },
      billing_address: { country: 'us', state: 'CA', city: 'SF', street: '1 Main St', zipcode: '94102' },
    });
    expect(page.session).toMatchObject({
      customer_email: 'zoe@example.com',
      customer_name: 'Zoe',
      billing_address: { country: 'US', zipcode: '94102' },
    });
    // Typed by the buyer, so still editable on the page.
    expect(page.needs.customer).toEqual(['email', 'name', 'phone_number']);
    const paid = await engine.checkout.complete(session_id, { card: CARD_OK });
    expect(paid.payment).toMatchObject({ customer: { email: 'zoe@example.com', name: 'Zoe' }, billing: { country: 'US', city: 'SF' } });
  });

  test('an address missing its street is INVALID_REQUEST_BODY naming it', async () => {
    const { session_id } = await cartOf(w.guide.product_id);
    await expect(
      engine.checkout.choose(session_id, { billing_address: { country: 'US', state: 'CA', city: 'SF', zipcode: '94102' } }),
    ).rejects.toThrow(/street/);
  });

  test('minimal_address needs only zipcode and country', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }], minimal_address: true });
    const page = await engine.checkout.choose(session_id, { billing_address: { country: 'IN', zipcode: '560001' } });
    expect(page.session.billing_address).toMatchObject({ country: 'IN', zipcode: '560001', street: null });
  });

  test('an unsupported country is UNSUPPORTED_COUNTRY', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }], minimal_address: true });
    await expect(engine.checkout.choose(session_id, { billing_address: { country: 'QQ', zipcode: '1' } })).rejects.toMatchObject({
      code: 'UNSUPPORTED_COUNTRY',
    });
  });

  test('a prefilled email or country cannot be changed; repeating it unchanged is fine', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { email: 'set@example.com' },
      billing_address: { country: 'US' },
    });
    await expect(engine.checkout.choose(session_id, { customer: { email: 'other@example.com' } })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
    });
    await expect(
      engine.checkout.choose(session_id, { billing_address: { country: 'GB', state: 'x', city: 'y', street: 'z', zipcode: '1' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
    });
    const page = await engine.checkout.choose(session_id, { customer: { email: 'set@example.com', name: 'Set' }, billing_address: FULL_ADDRESS });
    expect(page.session.customer_name).toBe('Set');
  });

  test('a bad email is INVALID_REQUEST_BODY now, not at payment', async () => {
    const { session_id } = await cartOf(w.guide.product_id);
    await expect(engine.checkout.choose(session_id, { customer: { email: 'not-an-email' } })).rejects.toMatchObject({ code: 'INVALID_REQUEST_BODY' });
  });

  test('a phone number is refused when allow_phone_number_collection is false', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      feature_flags: { allow_phone_number_collection: false },
    });
    await expect(engine.checkout.choose(session_id, { customer: { phone_number: '+14155550100' } })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
    });
  });

  test('a known customer takes no details', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
    });
    await expect(engine.checkout.choose(session_id, { customer: { name: 'Someone' } })).rejects.toMatchObject({ code: 'INVALID_REQUEST_PARAMETERS' });
  });
});

describe('SPEC §1.8: only an open, unexpired session changes', () => {
  test('24 h after creation the session is expired: refused, and marked expired', async () => {
    const { session_id } = await cartOf(w.guide.product_id);
    engine.clock.advance(24 * 60 * 60 * 1000);
    await expect(engine.checkout.choose(session_id, { quantities: [{ product_id: w.guide.product_id, quantity: 2 }] })).rejects.toThrow(/expired/);
    expect((await engine.checkout.get(session_id)).status).toBe('expired');
  });

  test('a paid session is CHECKOUT_SESSION_CONSUMED', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
    });
    await engine.checkout.complete(session_id, { card: CARD_OK });
    await expect(engine.checkout.choose(session_id, { quantities: [{ product_id: w.guide.product_id, quantity: 2 }] })).rejects.toMatchObject({
      code: 'CHECKOUT_SESSION_CONSUMED',
    });
  });
});
