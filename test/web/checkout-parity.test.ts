// Issue 15: "Paying here emits exactly the events and creates exactly the records that
// complete_checkout_session does for the same session." Two identical purchases: one made with the
// engine calls the tools make (create with every detail, then checkout.complete — what
// complete_checkout_session calls), one made by a buyer through the page's HTTP form POSTs (the choices on
// the page, then Pay). The payments, line items, invoices, subscriptions, license keys and outbox event
// types they leave are equal once ids, emails and times are set aside. SPEC §2.1 completion.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { CARD_OK, licensedApp } from '../support/checkout-fixtures.js';
import type { PageClient } from '../support/page-client.js';
import type { TestEngine } from '../support/test-engine.js';
import { FULL_ADDRESS, openWorldWithPages, type World, type WorldWithPages } from '../engine/checkout/world.js';

let engine: TestEngine;
let w: World;
let pages: WorldWithPages['pages'];
let client: PageClient;

beforeEach(async () => {
  ({ engine, w, pages, client } = await openWorldWithPages());
  await engine.discounts.create({ code: 'TEN', type: 'percentage', amount: 1000 });
});
afterEach(async () => {
  pages.close();
  await engine.close();
});

const ADDRESS_FIELDS = {
  country: FULL_ADDRESS.country,
  state: FULL_ADDRESS.state,
  city: FULL_ADDRESS.city,
  street: FULL_ADDRESS.street,
  zipcode: FULL_ADDRESS.zipcode,
};
const CARD_FIELDS = { card_number: '4242 4242 4242 4242', card_expiry: '06/32', card_cvc: '123', card_name: 'Zoe Buyer' };
const ID = /^[a-z]{2,4}_[0-9A-Za-z_]+$/;

/** A value with ids, emails, license keys and invoice numbers replaced by placeholders. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'string') return ID.test(value) ? '<id>' : value;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, key === 'email' ? '<email>' : key === 'key' || key === 'number' ? '<redacted>' : comparable(v)]),
  );
}

/** Everything a paid session left: its payment with lines and invoice, subscription, license keys, events since `since`. */
async function recordsOf(e: Engine, sessionId: string, since: number) {
  const session = await e.checkout.get(sessionId);
  const paymentId = session.payment_id ?? '';
  const events = await e.ctx.db.selectFrom('outbox_events').select(['type']).where('sequence', '>', since).orderBy('sequence').execute();
  return comparable({
    session: { status: session.status, summary: session.summary, discount_code: session.discount_code, billing_address: session.billing_address },
    payment: await e.payments.get(paymentId),
    line_items: await e.payments.lineItems(paymentId),
    invoice: await e.payments.invoice(paymentId),
    subscription: session.subscription_id === null ? null : await e.subscriptions.get(session.subscription_id),
    license_keys: (await e.licenses.list({ payment_id: paymentId })).items,
    events: events.map((r) => r.type),
  });
}

async function lastSequence(e: Engine): Promise<number> {
  const row = await e.ctx.db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.max('sequence').as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

describe('the page pays exactly as complete_checkout_session does', () => {
  test('a one-time cart: 2 × Guide and a licensed app, code TEN, a new customer with an address', async () => {
    const app = await licensedApp(engine);
    const cart = [
      { product_id: w.guide.product_id, quantity: 1 },
      { product_id: app.product_id, quantity: 1 },
    ];

    // The tools' way: every detail at create, then complete (what complete_checkout_session calls).
    const before = await lastSequence(engine);
    const direct = await engine.checkout.create({
      product_cart: cart.map((l) => (l.product_id === w.guide.product_id ? { ...l, quantity: 2 } : l)),
      customer: { email: 'direct@example.com', name: 'Zoe Buyer' },
      billing_address: FULL_ADDRESS,
      discount_code: 'TEN',
    });
    await engine.checkout.complete(direct.session_id, { card: CARD_OK });
    const viaTools = await recordsOf(engine, direct.session_id, before);

    // The buyer's way: the same choices made on the page, then Pay.
    const between = await lastSequence(engine);
    const { session_id } = await engine.checkout.create({ product_cart: cart });
    await client.get(`/checkout/${session_id}`);
    expect(
      (await client.post(`/checkout/${session_id}/choose`, { [`quantity[${w.guide.product_id}]`]: '2', [`quantity[${app.product_id}]`]: '1' }))
        .status,
    ).toBe(303);
    expect((await client.post(`/checkout/${session_id}/discount`, { discount_code: 'TEN' })).status).toBe(303);
    const paid = await client.post(`/checkout/${session_id}/pay`, {
      email: 'page@example.com',
      name: 'Zoe Buyer',
      ...ADDRESS_FIELDS,
      ...CARD_FIELDS,
    });
    expect(paid.status).toBe(303);
    const viaPage = await recordsOf(engine, session_id, between);

    expect(viaPage).toEqual(viaTools);
    expect(viaTools).toMatchObject({
      payment: { status: 'succeeded', total_amount: 7830 },
      license_keys: [expect.anything()],
      events: expect.arrayContaining(['payment.succeeded', 'license_key.created']),
    });
  });

  test('a collection subscription: switch to Basic with 2 seats, a known customer, code TEN', async () => {
    const before = await lastSequence(engine);
    const direct = await engine.checkout.create({
      product_collection_id: w.plans.collection_id,
      product_cart: [{ product_id: w.basic.product_id, quantity: 1, addons: [{ addon_id: w.seat.addon_id, quantity: 2 }] }],
      customer: { customer_id: w.ann.customer_id },
      billing_address: FULL_ADDRESS,
      discount_code: 'TEN',
    });
    await engine.checkout.complete(direct.session_id, { card: CARD_OK });
    const viaTools = await recordsOf(engine, direct.session_id, before);

    const between = await lastSequence(engine);
    const { session_id } = await engine.checkout.create({
      product_collection_id: w.plans.collection_id,
      product_cart: [{ product_id: w.pro.product_id, quantity: 1 }],
      customer: { customer_id: w.ann.customer_id },
    });
    await client.get(`/checkout/${session_id}`);
    await client.post(`/checkout/${session_id}/choose`, { product: w.basic.product_id });
    await client.post(`/checkout/${session_id}/choose`, {
      product: w.basic.product_id,
      [`quantity[${w.basic.product_id}]`]: '1',
      [`addon_qty[${w.seat.addon_id}]`]: '2',
    });
    await client.post(`/checkout/${session_id}/discount`, { discount_code: 'TEN' });
    const paid = await client.post(`/checkout/${session_id}/pay`, { ...ADDRESS_FIELDS, ...CARD_FIELDS });
    expect(paid.status).toBe(303);
    const viaPage = await recordsOf(engine, session_id, between);

    expect(viaPage).toEqual(viaTools);
    // Basic 3000 + 2 seats × 500 = 4000, 10 % off → 3600.
    expect(viaTools).toMatchObject({
      payment: { status: 'succeeded', total_amount: 3600 },
      subscription: { status: 'active' },
      events: expect.arrayContaining(['subscription.active', 'payment.succeeded', 'subscription.renewed']),
    });
  });
});
