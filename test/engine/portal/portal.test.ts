// Rules under test: the customer portal (SPEC §1.6, D7, D15, D18; issue 15). A link is valid 24 h and
// stored hashed; every action reaches the link's customer's records only (another's id is NOT_FOUND and
// changes nothing); plan changes need allow_subscription_updates and the collection's permission, and
// charge exactly what their preview showed (§3 A: 3333); a downgrade by default waits for the next
// billing date (D18); a new card recovers an on_hold subscription (D15).
import { afterEach, describe, expect, test } from 'vitest';
import { PORTAL_SESSION_TTL_MS, portalTokenHash } from '../../../src/engine/portal/sessions.js';
import { CARD_DECLINED, CARD_OK } from '../../support/checkout-fixtures.js';
import { advanceTo, isoDay, type PlanWorld, paymentsOf, planWorld, subscribe } from '../../support/plan-change-fixtures.js';
import { licensedApp, oneKey } from '../licenses/fixtures.js';

let world: PlanWorld;
afterEach(async () => {
  await world?.engine.close();
});

async function withPlans(options: { updates?: boolean; policy?: Record<string, unknown> } = {}) {
  world = await planWorld();
  await world.engine.collections.create({
    name: 'Plans',
    products: [{ product_id: world.basic.product_id }, { product_id: world.pro.product_id }],
    ...options.policy,
  });
  if (options.updates ?? true) await world.engine.settings.update({ allow_subscription_updates: true });
}

const ownerOf = async (subscriptionId: string) => (await world.engine.subscriptions.get(subscriptionId)).customer.customer_id;

describe('portal sessions', () => {
  test('the link is <base>/portal/<43-char token>, valid 24 h; only the SHA-256 is stored', async () => {
    world = await planWorld();
    const customer = await world.engine.customers.create({ email: 'ann@example.com', name: 'Ann' });
    const session = await world.engine.portal.sessions.create(customer.customer_id, { return_url: 'https://shop.example.com/account' });
    const token = session.link.replace('http://127.0.0.1:3000/portal/', '');
    expect(token).toMatch(/^[0-9A-Za-z]{43}$/);
    expect(session.expires_at).toBe(isoDay('2025-04-02'));
    const rows = await world.engine.ctx.db.selectFrom('customer_portal_sessions').selectAll().execute();
    expect(rows.map((r) => r.token_hash)).toEqual([portalTokenHash(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await world.engine.portal.sessions.resolve(token)).toEqual({
      customer_id: customer.customer_id,
      return_url: 'https://shop.example.com/account',
      expires_at: isoDay('2025-04-02'),
    });
    world.engine.clock.advance(PORTAL_SESSION_TTL_MS - 1);
    await expect(world.engine.portal.sessions.resolve(token)).resolves.toBeDefined();
    world.engine.clock.advance(1);
    await expect(world.engine.portal.sessions.resolve(token)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: `this portal link expired at ${isoDay('2025-04-02')}`,
    });
    await expect(world.engine.portal.sessions.resolve(`${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  test('an unknown customer and a bad return_url are refused', async () => {
    world = await planWorld();
    await expect(world.engine.portal.sessions.create('cus_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const customer = await world.engine.customers.create({ email: 'ann@example.com', name: 'Ann' });
    await expect(world.engine.portal.sessions.create(customer.customer_id, { return_url: 'javascript:alert(1)' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_BODY',
    });
  });
});

describe('overview', () => {
  test('the customer’s subscriptions with plan names, payments, license keys with activations, wallets — nobody else’s', async () => {
    await withPlans();
    const sub = await subscribe(world.engine, world.basic);
    await subscribe(world.engine, world.pro);
    const customerId = await ownerOf(sub.subscription_id);
    const app = await licensedApp(world.engine);
    const key = await oneKey(world.engine, app, 'buyer-key@example.com');
    const overview = await world.engine.portal.overview(customerId);
    expect(
      overview.subscriptions.map((s) => [s.subscription.subscription_id, s.product_name, s.subscription.status, s.subscription.next_billing_date]),
    ).toEqual([[sub.subscription_id, 'Basic', 'active', isoDay('2025-05-01')]]);
    expect(overview.payments.map((p) => [p.total_amount, p.status])).toEqual([[3000, 'succeeded']]);
    expect(overview.license_keys).toEqual([]);
    expect(overview.wallets.items.map((w) => [w.currency, w.balance])).toEqual([
      ['USD', 0],
      ['INR', 0],
    ]);
    expect(overview.plan_changes_enabled).toBe(true);

    await world.engine.licenses.activate({ license_key: key.key, name: 'Laptop' });
    const keyOwner = await world.engine.portal.overview(key.customer_id);
    expect(keyOwner.license_keys.map((k) => [k.product_name, k.activations.map((a) => a.name)])).toEqual([['Desktop App', ['Laptop']]]);
  });

  test('the invoice of one’s own payment; another customer’s payment is NOT_FOUND', async () => {
    await withPlans();
    const mine = await subscribe(world.engine, world.basic);
    const theirs = await subscribe(world.engine, world.pro);
    const me = await ownerOf(mine.subscription_id);
    const [myPayment] = (await world.engine.payments.list({ subscription_id: mine.subscription_id })).items;
    const [theirPayment] = (await world.engine.payments.list({ subscription_id: theirs.subscription_id })).items;
    const { invoice } = await world.engine.portal.invoice(me, myPayment?.payment_id ?? '');
    expect([invoice.lines.map((l) => [l.name, l.total]), invoice.total_amount]).toEqual([[['Basic', 3000]], 3000]);
    await expect(world.engine.portal.invoice(me, theirPayment?.payment_id ?? '')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('plan changes in the portal (D7, D18)', () => {
  test('allow_subscription_updates false: no options, and a change is FORBIDDEN', async () => {
    await withPlans({ updates: false });
    const sub = await subscribe(world.engine, world.basic);
    const me = await ownerOf(sub.subscription_id);
    const options = await world.engine.portal.planOptions(me, sub.subscription_id);
    expect(options).toMatchObject({ options: [], unavailable: expect.stringContaining('not available') });
    await expect(world.engine.portal.previewChange(me, sub.subscription_id, world.pro.product_id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  test('upgrade on day 10: the preview says 3333 (§3 A) and the change charges 3333', async () => {
    await withPlans();
    const sub = await subscribe(world.engine, world.basic);
    const me = await ownerOf(sub.subscription_id);
    await advanceTo(world.engine, '2025-04-11');
    const { preview, request } = await world.engine.portal.previewChange(me, sub.subscription_id, world.pro.product_id);
    expect(request).toMatchObject({ proration_billing_mode: 'prorated_immediately', effective_at: 'immediately' });
    expect([preview.immediate_charge.summary.total_amount, preview.credit_amount]).toEqual([3333, 0]);
    // The merchant's preview of the same request gives the same number.
    expect((await world.engine.planChanges.preview(sub.subscription_id, request)).immediate_charge.summary.total_amount).toBe(3333);
    const result = await world.engine.portal.changePlan(me, sub.subscription_id, world.pro.product_id, { total_amount: 3333, credit_amount: 0 });
    expect(result).toMatchObject({ status: 'applied', amount_charged: 3333, subscription: { product_id: world.pro.product_id } });
    expect((await world.engine.payments.get(result.payment_id ?? '')).total_amount).toBe(3333);
  });

  test('a confirmed amount that no longer holds changes nothing (CONFLICT)', async () => {
    await withPlans();
    const sub = await subscribe(world.engine, world.basic);
    const me = await ownerOf(sub.subscription_id);
    await advanceTo(world.engine, '2025-04-11');
    await expect(
      world.engine.portal.changePlan(me, sub.subscription_id, world.pro.product_id, { total_amount: 3000, credit_amount: 0 }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'the amount changed since the preview: now 3333 charged and 0 credited',
    });
    expect((await world.engine.subscriptions.get(sub.subscription_id)).product_id).toBe(world.basic.product_id);
  });

  test('a downgrade waits for the next billing date by default (D18): nothing now, Basic billed 3000 on 05-01', async () => {
    await withPlans();
    const sub = await subscribe(world.engine, world.pro);
    const me = await ownerOf(sub.subscription_id);
    await advanceTo(world.engine, '2025-04-11');
    const { preview } = await world.engine.portal.previewChange(me, sub.subscription_id, world.basic.product_id);
    expect([preview.effective_at, preview.immediate_charge.effective_at, preview.immediate_charge.summary.total_amount]).toEqual([
      'next_billing_date',
      isoDay('2025-05-01'),
      0,
    ]);
    const result = await world.engine.portal.changePlan(me, sub.subscription_id, world.basic.product_id, { total_amount: 0, credit_amount: 0 });
    expect(result.status).toBe('scheduled');
    expect((await world.engine.portal.subscription(me, sub.subscription_id)).scheduled_product_name).toBe('Basic');
    await advanceTo(world.engine, '2025-05-02');
    expect((await world.engine.subscriptions.get(sub.subscription_id)).product_id).toBe(world.basic.product_id);
    expect(await paymentsOf(world.engine, sub.subscription_id)).toEqual([
      ['2025-04-01', 8000, 'succeeded'],
      ['2025-05-01', 3000, 'succeeded'],
    ]);
  });

  test('the collection’s rules bind: allow_downgrades false refuses Basic with the reason', async () => {
    await withPlans({ policy: { allow_downgrades: false } });
    const sub = await subscribe(world.engine, world.pro);
    const me = await ownerOf(sub.subscription_id);
    const { options } = await world.engine.portal.planOptions(me, sub.subscription_id);
    expect(options.map((o) => [o.name, o.allowed])).toEqual([['Basic', false]]);
    await expect(world.engine.portal.previewChange(me, sub.subscription_id, world.basic.product_id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('allow_downgrades'),
    });
  });

  test('another customer’s subscription is NOT_FOUND for every action, and nothing changes', async () => {
    await withPlans();
    const mine = await subscribe(world.engine, world.basic);
    const theirs = await subscribe(world.engine, world.basic);
    const me = await ownerOf(mine.subscription_id);
    const id = theirs.subscription_id;
    const refused = { code: 'NOT_FOUND', message: `no subscription ${id}` };
    await expect(world.engine.portal.planOptions(me, id)).rejects.toMatchObject(refused);
    await expect(world.engine.portal.changePlan(me, id, world.pro.product_id, { total_amount: 0, credit_amount: 0 })).rejects.toMatchObject(refused);
    await expect(world.engine.portal.setCancelAtNextBillingDate(me, id, true)).rejects.toMatchObject(refused);
    await expect(world.engine.portal.updateCard(me, id, CARD_OK)).rejects.toMatchObject(refused);
    // Worded like an id that does not exist.
    await expect(world.engine.portal.setCancelAtNextBillingDate(me, 'sub_nope', true)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no subscription sub_nope',
    });
    expect(await world.engine.subscriptions.get(id)).toMatchObject({
      product_id: world.basic.product_id,
      cancel_at_next_billing_date: false,
      payment_method_id: theirs.payment_method_id,
    });
    expect((await world.engine.customers.listPaymentMethods(me)).length).toBe(1);
  });
});

describe('cancel, card, activations, profile', () => {
  test('cancel at the next billing date, then keep it', async () => {
    await withPlans();
    const sub = await subscribe(world.engine, world.basic);
    const me = await ownerOf(sub.subscription_id);
    expect((await world.engine.portal.setCancelAtNextBillingDate(me, sub.subscription_id, true)).cancel_at_next_billing_date).toBe(true);
    expect((await world.engine.portal.planOptions(me, sub.subscription_id)).unavailable).toContain('set to cancel');
    expect((await world.engine.portal.setCancelAtNextBillingDate(me, sub.subscription_id, false)).cancel_at_next_billing_date).toBe(false);
  });

  test('on_hold after a declined renewal on 05-01; a new card on 05-10 charges the 3000 once and restarts the cycle (D15)', async () => {
    await withPlans();
    const sub = await subscribe(world.engine, world.basic, { declined: true });
    const me = await ownerOf(sub.subscription_id);
    await advanceTo(world.engine, '2025-05-10');
    expect((await world.engine.subscriptions.get(sub.subscription_id)).status).toBe('on_hold');
    const declined = await world.engine.portal.updateCard(me, sub.subscription_id, CARD_DECLINED);
    expect([declined.subscription.status, declined.payment?.status]).toEqual(['on_hold', 'failed']);
    const recovered = await world.engine.portal.updateCard(me, sub.subscription_id, CARD_OK);
    expect(recovered.subscription).toMatchObject({
      status: 'active',
      previous_billing_date: isoDay('2025-05-10'),
      next_billing_date: isoDay('2025-06-10'),
    });
    expect([recovered.payment?.total_amount, recovered.payment?.status]).toEqual([3000, 'succeeded']);
  });

  test('deactivate one’s own activation; another customer’s is NOT_FOUND and stays', async () => {
    world = await planWorld();
    const app = await licensedApp(world.engine);
    const annKey = await oneKey(world.engine, app, 'ann@example.com');
    const bobKey = await oneKey(world.engine, app, 'bob@example.com');
    const laptop = await world.engine.licenses.activate({ license_key: annKey.key, name: 'Laptop' });
    const bobs = await world.engine.licenses.activate({ license_key: bobKey.key, name: 'Desktop' });
    await expect(world.engine.portal.deactivateActivation(annKey.customer_id, bobs.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `no activation ${bobs.id}`,
    });
    await expect(world.engine.portal.deactivateActivation(annKey.customer_id, 'lki_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await world.engine.portal.deactivateActivation(annKey.customer_id, laptop.id)).name).toBe('Laptop');
    expect([(await world.engine.licenses.get(annKey.id)).instances_count, (await world.engine.licenses.get(bobKey.id)).instances_count]).toEqual([
      0, 1,
    ]);
  });

  test('edit name and phone; a blank phone clears it', async () => {
    world = await planWorld();
    const customer = await world.engine.customers.create({ email: 'ann@example.com', name: 'Ann' });
    expect(await world.engine.portal.updateProfile(customer.customer_id, { name: 'Ann Lee', phone_number: '+14155550100' })).toMatchObject({
      name: 'Ann Lee',
      phone_number: '+14155550100',
    });
    expect((await world.engine.portal.updateProfile(customer.customer_id, { name: 'Ann Lee', phone_number: null })).phone_number).toBeNull();
  });
});
