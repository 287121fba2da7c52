// Issue 15 "Checkout page" over HTTP, without a browser: GET /checkout/:id renders the session (SPEC §1.8,
// §2.1 rule 6 collection offer, rule 10 discount codes checked on the spot, rules 7–8 fields), the form
// POSTs call the engine's choose()/complete() and redirect (303, PRG), a declined card (SPEC §5,
// 4000 0000 0000 0002) re-renders with 402, paying redirects to return_url with rule 14's parameters or to
// the receipt; expired, paid, unknown and payment_method_id sessions have their own pages.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CARD_OK, licensedApp, oneTime } from '../support/checkout-fixtures.js';
import type { PageClient } from '../support/page-client.js';
import type { TestEngine } from '../support/test-engine.js';
import { FULL_ADDRESS, openWorldWithPages, type World, type WorldWithPages } from '../engine/checkout/world.js';

let engine: TestEngine;
let w: World;
let pages: WorldWithPages['pages'];
let base = '';
let client: PageClient;

beforeEach(async () => {
  ({ engine, w, pages, client } = await openWorldWithPages());
  base = pages.base;
});
afterEach(async () => {
  pages.close();
  await engine.close();
});

const DECLINED_FORM = { card_number: '4000 0000 0000 0002', card_expiry: '06/32', card_cvc: '123', card_name: 'Zoe Buyer' };
const GOOD_FORM = { ...DECLINED_FORM, card_number: '4242 4242 4242 4242' };
const DETAILS = {
  email: 'zoe@example.com',
  name: 'Zoe Buyer',
  country: 'US',
  state: 'CA',
  city: 'San Francisco',
  street: '1 Main St',
  zipcode: '94102',
};

describe('a collection checkout page (SPEC §2.1 rule 6)', () => {
  test('checkout_url answers: the offer by group, the first product checked, an Update button for no-JS', async () => {
    const { checkout_url } = await engine.checkout.create({ product_collection_id: w.plans.collection_id });
    const page = await client.get(checkout_url ?? '');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Basic');
    expect(page.body).toContain('Pro');
    expect(page.body).toMatch(new RegExp(`value="${w.basic.product_id}" checked data-autosubmit`));
    expect(page.body).toContain('data-autosubmit-button data-noscript-only>Update');
    expect(page.body).toContain('$30.00');
    expect(page.body).not.toContain('4242 4242 4242 4242"');
  });

  test('switching to Pro redirects back (303) and the page shows Pro chosen at $80.00', async () => {
    const { session_id } = await engine.checkout.create({ product_collection_id: w.plans.collection_id });
    await client.get(`/checkout/${session_id}`);
    const posted = await client.post(`/checkout/${session_id}/choose`, { product: w.pro.product_id });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`/checkout/${session_id}`);
    const page = await client.get(`/checkout/${session_id}`);
    expect(page.body).toMatch(new RegExp(`value="${w.pro.product_id}" checked`));
    expect(page.body).toContain('<td class="num" data-total>$80.00</td>');
  });

  test('addon quantities post as addon_qty[adn_…]: 2 seats on Basic → $40.00', async () => {
    const { session_id } = await engine.checkout.create({ product_collection_id: w.plans.collection_id });
    await client.get(`/checkout/${session_id}`);
    await client.post(`/checkout/${session_id}/choose`, {
      product: w.basic.product_id,
      [`quantity[${w.basic.product_id}]`]: '1',
      [`addon_qty[${w.seat.addon_id}]`]: '2',
    });
    expect((await engine.checkout.get(session_id)).summary.total_amount).toBe(4000);
  });

  test('a quantity that is not a whole number is shown inline (422) and changes nothing', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }] });
    await client.get(`/checkout/${session_id}`);
    const posted = await client.post(`/checkout/${session_id}/choose`, { [`quantity[${w.guide.product_id}]`]: '1.5' });
    expect(posted.status).toBe(422);
    expect(posted.body).toContain('whole number');
    expect((await engine.checkout.get(session_id)).product_cart[0]?.quantity).toBe(1);
  });
});

describe('the discount code field (SPEC §2.1 rule 10, §2.8)', () => {
  test('a bad code is an inline error (422); TEN takes 10 % off the $30.00 plan: $27.00; Remove restores it', async () => {
    await engine.discounts.create({ code: 'TEN', type: 'percentage', amount: 1000 });
    const { session_id } = await engine.checkout.create({ product_collection_id: w.plans.collection_id });
    await client.get(`/checkout/${session_id}`);
    const bad = await client.post(`/checkout/${session_id}/discount`, { discount_code: 'NOPE' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('That discount code is not valid.');
    expect((await client.post(`/checkout/${session_id}/discount`, { discount_code: 'ten' })).status).toBe(303);
    const page = await client.get(`/checkout/${session_id}`);
    expect(page.body).toContain('Code <strong>TEN</strong> applied: -$3.00');
    expect(page.body).toContain('data-total>$27.00');
    await client.post(`/checkout/${session_id}/discount`, { remove: '1' });
    expect((await engine.checkout.get(session_id)).discount_code).toBeNull();
  });

  test('hidden when allow_discount_code is false', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      feature_flags: { allow_discount_code: false },
    });
    expect((await client.get(`/checkout/${session_id}`)).body).not.toContain('Discount code');
  });
});

describe('paying (SPEC §2.1 completion, §5 test cards)', () => {
  test('the declined card: 402 inline, the session still open, typed details kept but never the card number', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }] });
    await client.get(`/checkout/${session_id}`);
    const declined = await client.post(`/checkout/${session_id}/pay`, { ...DETAILS, ...DECLINED_FORM });
    expect(declined.status).toBe(402);
    expect(declined.body).toContain('CARD_DECLINED');
    expect(declined.body).not.toContain('4000 0000 0000 0002"');
    expect(declined.body).not.toContain('value="4000');
    expect(declined.body).toContain('value="06/32"');
    expect((await engine.checkout.get(session_id)).status).toBe('open');
    // Opened again later, the address the buyer typed is still filled in (and still editable).
    const again = await client.get(`/checkout/${session_id}`);
    expect(again.body).toContain('name="street" autocomplete="street-address" value="1 Main St"');
  });

  test('the missing street is an inline error (422); nothing is charged', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }] });
    await client.get(`/checkout/${session_id}`);
    const { street: _street, ...noStreet } = DETAILS;
    const posted = await client.post(`/checkout/${session_id}/pay`, { ...noStreet, ...GOOD_FORM });
    expect(posted.status).toBe(422);
    expect(posted.body).toContain('street');
    expect(posted.body).toContain('value="zoe@example.com"');
    expect((await engine.payments.list()).items).toEqual([]);
  });

  // shared/text.ts: no door takes U+0000, which PostgreSQL's text cannot hold; the form says so inline.
  test('a NUL character (%00) in a field is an inline error (422); nothing is charged', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }] });
    await client.get(`/checkout/${session_id}`);
    const posted = await client.post(`/checkout/${session_id}/pay`, { ...DETAILS, name: 'Zoe\u0000Buyer', ...GOOD_FORM });
    expect(posted.status).toBe(422);
    expect(posted.body).toContain('Remove the NUL character (%00)');
    expect(posted.body).not.toContain('\u0000');
    expect((await engine.payments.list()).items).toEqual([]);
  });

  test('4242 on a subscription: 303 to return_url with exactly redirect_url’s subscription_id and status (rule 14)', async () => {
    const { session_id } = await engine.checkout.create({
      product_collection_id: w.plans.collection_id,
      return_url: 'https://shop.example/thanks?order=7',
    });
    await client.get(`/checkout/${session_id}`);
    const paid = await client.post(`/checkout/${session_id}/pay`, { ...DETAILS, ...GOOD_FORM });
    expect(paid.status).toBe(303);
    const session = await engine.checkout.get(session_id);
    const target = new URL(paid.location ?? '');
    expect(`${target.origin}${target.pathname}`).toBe('https://shop.example/thanks');
    expect(Object.fromEntries(target.searchParams)).toEqual({ order: '7', subscription_id: session.subscription_id, status: 'succeeded' });
  });

  test('without return_url: the receipt shows the payment, the invoice and the license key', async () => {
    const app = await licensedApp(engine);
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: app.product_id, quantity: 1 }] });
    await client.get(`/checkout/${session_id}`);
    const paid = await client.post(`/checkout/${session_id}/pay`, { ...DETAILS, ...GOOD_FORM });
    expect(paid.location).toBe(`/checkout/${session_id}/receipt`);
    const receipt = await client.get(paid.location ?? '');
    const payment = (await engine.payments.list()).items[0];
    const [key] = (await engine.licenses.list({ payment_id: payment?.payment_id })).items;
    expect(receipt.status).toBe(200);
    expect(receipt.body).toContain(payment?.payment_id);
    expect(receipt.body).toContain('$49.00');
    expect(receipt.body).toContain(key?.key);
    expect(receipt.body).toContain('up to 3');
  });

  test('saved methods (show_saved_payment_methods) pay with the chosen one', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
      billing_address: FULL_ADDRESS,
      show_saved_payment_methods: true,
    });
    const page = await client.get(`/checkout/${session_id}`);
    expect(page.body).toContain('Visa ending 4242');
    const paid = await client.post(`/checkout/${session_id}/pay`, { payment_method: w.annCard.payment_method_id });
    expect(paid.status).toBe(303);
    expect((await engine.payments.list()).items[0]?.payment_method_id).toBe(w.annCard.payment_method_id);
  });
});

describe('closed and unknown sessions', () => {
  test('unknown → 404; paid at creation with payment_method_id (no checkout_url) → 404', async () => {
    expect((await client.get('/checkout/cks_nope')).status).toBe(404);
    const oneClick = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
      payment_method_id: w.annCard.payment_method_id,
      confirm: true,
    });
    const page = await client.get(`/checkout/${oneClick.session_id}`);
    expect(page.status).toBe(404);
    expect(page.body).toContain('Checkout not found');
  });

  test('expired after 24 h → 410 with a clear page; its forms are refused the same way', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }] });
    await client.get(`/checkout/${session_id}`);
    engine.clock.advance(25 * 60 * 60 * 1000);
    const page = await client.get(`/checkout/${session_id}`);
    expect(page.status).toBe(410);
    expect(page.body).toContain('This checkout has expired');
    expect((await client.post(`/checkout/${session_id}/pay`, { ...DETAILS, ...GOOD_FORM })).status).toBe(410);
  });

  test('paid → "Already paid" with the receipt link; paying again changes nothing', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
    });
    await engine.checkout.complete(session_id, { card: CARD_OK });
    await client.get(`/checkout/${session_id}/receipt`);
    const page = await client.get(`/checkout/${session_id}`);
    expect(page.body).toContain('Already paid');
    expect(page.body).toContain(`href="/checkout/${session_id}/receipt"`);
    await client.post(`/checkout/${session_id}/pay`, { ...GOOD_FORM });
    expect((await engine.payments.list()).items).toHaveLength(1);
  });

  test('a product name is printed as text, never as markup', async () => {
    const evil = await oneTime(engine, { name: '<script>alert(1)</script>', price: 1000 });
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: evil.product_id, quantity: 1 }] });
    const page = await client.get(`/checkout/${session_id}`);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('a form without the CSRF token is refused (403) before it changes anything', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }] });
    const response = await fetch(`${base}/checkout/${session_id}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...DETAILS, ...GOOD_FORM }).toString(),
    });
    expect(response.status).toBe(403);
    expect((await engine.payments.list()).items).toEqual([]);
  });
});
