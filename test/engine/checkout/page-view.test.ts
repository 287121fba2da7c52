// Rules under test: the hosted checkout page's view of a session (CheckoutService.page) — SPEC §2.1 rule 6
// (a collection's products by group, first pre-selected), rule 4 (addons of the chosen plan), rules 7–8
// (the fields still needed; prefilled ones not asked again), §1.6 (saved methods only with
// show_saved_payment_methods and a known customer), §2.5 (wallet credit on subscription charges only).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CARD_OK, licensedApp, monthlyPlan, oneTime } from '../../support/checkout-fixtures.js';
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

const buyer = { email: 'new@example.com', name: 'New Buyer' };

describe('SPEC §2.1 rule 6: a collection checkout page lists the offer by group', () => {
  test('groups in display order, the first product pre-selected, the brand named', async () => {
    const starter = await oneTime(engine, { name: 'Starter', price: 4900 });
    const team = await oneTime(engine, { name: 'Team', price: 9900 });
    const agency = await oneTime(engine, { name: 'Agency', price: 19900 });
    const collection = await engine.collections.create({
      name: 'Licences',
      groups: [
        { group_name: 'Solo', products: [{ product_id: starter.product_id }, { product_id: team.product_id }] },
        { group_name: 'Business', products: [{ product_id: agency.product_id }] },
      ],
    });
    const { session_id } = await engine.checkout.create({ product_collection_id: collection.collection_id });
    const page = await engine.checkout.page(session_id);
    expect(page.brand.name).toBe((await engine.brands.get(starter.brand_id)).name);
    expect(page.collection?.groups.map((g) => [g.group_name, g.products.map((p) => p.name)])).toEqual([
      ['Solo', ['Starter', 'Team']],
      ['Business', ['Agency']],
    ]);
    expect(page.collection?.groups[0]?.products[0]?.pre_selected).toBe(true);
    expect(page.session.selected_product_id).toBe(starter.product_id);
    expect(page.editable.product).toBe(true);
  });

  test('a cart checkout has no collection and no product switch', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }] });
    const page = await engine.checkout.page(session_id);
    expect(page.collection).toBeNull();
    expect(page.editable).toMatchObject({ product: false, quantities: true, addons: false, amounts: false, discount_code: true });
  });
});

describe('SPEC §2.1 rule 4: the addons of the chosen plan', () => {
  test('every attached addon with its price; chosen ones with their quantity, others 0', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.basic.product_id, quantity: 1, addons: [{ addon_id: w.seat.addon_id, quantity: 2 }] }],
    });
    const page = await engine.checkout.page(session_id);
    expect(page.addons).toEqual([expect.objectContaining({ addon_id: w.seat.addon_id, name: 'Seat', price: 500, quantity: 2 })]);
    // Basic 3000 + 2 seats × 500 = 4000.
    expect(page.session.summary.total_amount).toBe(4000);
    expect(page.editable.addons).toBe(true);
  });

  test('confirm=true makes the cart final: nothing in it is editable', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.basic.product_id, quantity: 1 }],
      confirm: true,
      billing_address: FULL_ADDRESS,
      customer: { customer_id: w.ann.customer_id },
    });
    const page = await engine.checkout.page(session_id);
    expect(page.editable).toEqual({ product: false, quantities: false, addons: false, amounts: false, discount_code: true });
  });

  test('a usage-based line keeps quantity 1 (rule 1): quantities are not editable', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.usage.product_id, quantity: 1 }] });
    expect((await engine.checkout.page(session_id)).editable.quantities).toBe(false);
  });
});

describe('SPEC §2.1 rules 7–8: the fields the page still asks for', () => {
  test('no customer, no address: email, name, phone and country, state, city, street, zipcode', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }] });
    expect((await engine.checkout.page(session_id)).needs).toEqual({
      customer: ['email', 'name', 'phone_number'],
      billing_address: ['country', 'state', 'city', 'street', 'zipcode'],
    });
  });

  test('prefilled email and country are shown, not asked; phone not asked when collection is off', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { email: 'new@example.com' },
      billing_address: { country: 'US' },
      feature_flags: { allow_phone_number_collection: false },
    });
    const page = await engine.checkout.page(session_id);
    expect(page.needs).toEqual({ customer: ['name'], billing_address: ['state', 'city', 'street', 'zipcode'] });
    expect(page.session.customer_email).toBe('new@example.com');
  });

  test('minimal_address asks only zipcode and country; a known customer is asked nothing', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
      minimal_address: true,
    });
    expect((await engine.checkout.page(session_id)).needs).toEqual({ customer: [], billing_address: ['country', 'zipcode'] });
  });
});

describe('SPEC §1.6: saved payment methods', () => {
  test('listed for a known customer with show_saved_payment_methods, and only theirs', async () => {
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
      show_saved_payment_methods: true,
    });
    const page = await engine.checkout.page(session_id);
    expect(page.saved_payment_methods.map((m) => m.payment_method_id)).toEqual([w.annCard.payment_method_id]);
  });

  test('not listed without the flag, nor for a buyer known only by email', async () => {
    const plain = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
    });
    const byEmail = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { email: 'nobody@example.com' },
      show_saved_payment_methods: true,
    });
    expect((await engine.checkout.page(plain.session_id)).saved_payment_methods).toEqual([]);
    expect((await engine.checkout.page(byEmail.session_id)).saved_payment_methods).toEqual([]);
  });
});

describe('SPEC §2.5: wallet credit is shown where the charge will use it', () => {
  async function credit(amount: number) {
    await engine.wallets.createLedgerEntry(w.ann.customer_id, { amount, currency: 'USD', entry_type: 'credit' });
  }

  test('a $30.00 plan with $10.00 in the wallet: $10.00 applied, $20.00 due — and the charge is $20.00', async () => {
    await credit(1000);
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.basic.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
    });
    const page = await engine.checkout.page(session_id);
    expect(page.credit).toEqual({ wallet_balance: 1000, applied: 1000, total_after_credit: 2000 });
    expect(page.due_now).toBe(2000);
    const paid = await engine.checkout.complete(session_id, { card: CARD_OK });
    expect(paid.payment.total_amount).toBe(2000);
  });

  test('never on a one-time cart (credit pays subscriptions only)', async () => {
    await credit(1000);
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: w.guide.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
    });
    const page = await engine.checkout.page(session_id);
    expect(page.credit).toBeNull();
    expect(page.due_now).toBe(1900);
  });

  test('a trial is a $0 payment: nothing due now, no credit used', async () => {
    await credit(1000);
    const trial = await monthlyPlan(engine, { name: 'Trial plan', price: 3000, trial_period_days: 14 });
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: trial.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
    });
    const page = await engine.checkout.page(session_id);
    expect(page.credit).toBeNull();
    expect(page.due_now).toBe(0);
  });
});

describe('a receipt (SPEC §2.1 completion, §1.12, §2.10)', () => {
  test('a paid one-time cart: payment, invoice and the license key issued', async () => {
    const licensed = await licensedApp(engine);
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: licensed.product_id, quantity: 1 }], customer: buyer });
    const paid = await engine.checkout.complete(session_id, { card: CARD_OK });
    const receipt = await engine.checkout.receipt(session_id);
    expect(receipt.payment.payment_id).toBe(paid.payment.payment_id);
    expect(receipt.invoice?.total_amount).toBe(4900);
    expect(receipt.license_keys.map((k) => k.product_id)).toEqual([licensed.product_id]);
  });

  test('an unpaid session has none', async () => {
    const { session_id } = await engine.checkout.create({ product_cart: [{ product_id: w.guide.product_id, quantity: 1 }] });
    await expect(engine.checkout.receipt(session_id)).rejects.toMatchObject({ code: 'INVALID_REQUEST_PARAMETERS' });
  });
});
