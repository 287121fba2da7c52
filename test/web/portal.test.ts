// The portal's pages over HTTP (issue 15): a token that is unknown (404) or expired (403) shows no data;
// pages show the token's customer only; every action is POST → 303 (PRG) with the CSRF token; another
// customer's subscription id in a form is a 404 that changes nothing; bad input is 422 and changes nothing.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PORTAL_SESSION_TTL_MS } from '../../src/engine/portal/sessions.js';
import { type RunningPageServer, servePages } from '../../src/transports/page-server.js';
import { advanceTo, type PlanWorld, planWorld, subscribe } from '../support/plan-change-fixtures.js';

let world: PlanWorld;
let pages: RunningPageServer;
beforeEach(async () => {
  world = await planWorld();
  await world.engine.collections.create({ name: 'Plans', products: [{ product_id: world.basic.product_id }, { product_id: world.pro.product_id }] });
  await world.engine.settings.update({ allow_subscription_updates: true });
  pages = await servePages({ engine: world.engine, host: '127.0.0.1', port: 0, allowedHosts: [], allowedOrigins: [], log: () => undefined });
});
afterEach(async () => {
  await pages.close();
  await world.engine.close();
});

/** A browser of one portal link: keeps the CSRF cookie, posts forms with its token, never follows redirects. */
async function browse(subscriptionId: string, returnUrl?: string) {
  const sub = await world.engine.subscriptions.get(subscriptionId);
  const { link } = await world.engine.portal.sessions.create(sub.customer.customer_id, { return_url: returnUrl });
  const path = new URL(link).pathname;
  let cookie = '';
  const get = async (at: string) => {
    const response = await fetch(`${pages.url}${at}`, { headers: { cookie }, redirect: 'manual' });
    cookie = (response.headers.get('set-cookie') ?? cookie).split(';')[0] ?? cookie;
    return { status: response.status, text: await response.text() };
  };
  const post = async (at: string, fields: Record<string, string>) => {
    await get(path);
    const token = cookie.split('=')[1] ?? '';
    const response = await fetch(`${pages.url}${at}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: token, ...fields }).toString(),
      redirect: 'manual',
    });
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  };
  return { path, get, post };
}

describe('portal pages', () => {
  test('unknown token → 404, expired → 403, neither with customer data', async () => {
    const sub = await subscribe(world.engine, world.basic);
    const portal = await browse(sub.subscription_id);
    const unknown = await portal.get('/portal/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ');
    expect([unknown.status, unknown.text.includes('This link is not valid')]).toEqual([404, true]);
    world.engine.clock.advance(PORTAL_SESSION_TTL_MS);
    const expired = await portal.get(portal.path);
    expect([expired.status, expired.text.includes('This link has expired'), expired.text.includes('Basic')]).toEqual([403, true, false]);
  });

  test('the overview shows plan, status, next billing date, the "Back to" link, and not another customer', async () => {
    const sub = await subscribe(world.engine, world.basic);
    const other = await subscribe(world.engine, world.pro);
    const portal = await browse(sub.subscription_id, 'https://shop.example.com/account');
    const { status, text } = await portal.get(portal.path);
    expect(status).toBe(200);
    expect(text).toContain('Basic');
    expect(text).toContain('$30.00 / month');
    expect(text).toContain('May 1, 2025');
    expect(text).toContain('href="https://shop.example.com/account">Back to Primary brand</a>');
    expect(text).not.toContain('$80.00');
    expect(text).not.toContain(other.customer.email);
    expect(text).not.toContain(other.subscription_id);
  });

  test('cancel and keep are POST → 303 back to the overview with a notice', async () => {
    const sub = await subscribe(world.engine, world.basic);
    const portal = await browse(sub.subscription_id);
    const cancel = await portal.post(`${portal.path}/subscriptions/${sub.subscription_id}/cancel`, { cancel: 'true' });
    expect([cancel.status, cancel.location]).toEqual([303, `${portal.path}?done=cancel_set`]);
    expect((await world.engine.subscriptions.get(sub.subscription_id)).cancel_at_next_billing_date).toBe(true);
    expect((await portal.get(`${portal.path}?done=cancel_set`)).text).toContain('Keep my subscription');
    await portal.post(`${portal.path}/subscriptions/${sub.subscription_id}/cancel`, { cancel: 'false' });
    expect((await world.engine.subscriptions.get(sub.subscription_id)).cancel_at_next_billing_date).toBe(false);
  });

  test('upgrade: the review shows $33.33 on 04-11 (§3 A); confirming charges $33.33', async () => {
    const sub = await subscribe(world.engine, world.basic);
    await advanceTo(world.engine, '2025-04-11');
    const portal = await browse(sub.subscription_id);
    const options = await portal.get(`${portal.path}/subscriptions/${sub.subscription_id}/change`);
    expect(options.text).toContain('$33.33 charged now');
    const review = await portal.get(`${portal.path}/subscriptions/${sub.subscription_id}/change/review?product_id=${world.pro.product_id}`);
    expect(review.text).toContain('data-testid="charge-total">$33.33<');
    // A stale amount is refused inline (422) and changes nothing.
    const stale = await portal.post(`${portal.path}/subscriptions/${sub.subscription_id}/change`, {
      product_id: world.pro.product_id,
      expected_total: '3000',
      expected_credit: '0',
    });
    expect([stale.status, stale.text.includes('The amount changed since the preview')]).toEqual([422, true]);
    expect((await world.engine.subscriptions.get(sub.subscription_id)).product_id).toBe(world.basic.product_id);
    const confirm = await portal.post(`${portal.path}/subscriptions/${sub.subscription_id}/change`, {
      product_id: world.pro.product_id,
      expected_total: '3333',
      expected_credit: '0',
    });
    expect([confirm.status, confirm.location]).toEqual([303, `${portal.path}?done=plan_changed`]);
    const [latest] = (await world.engine.payments.list({ subscription_id: sub.subscription_id })).items;
    expect(latest?.total_amount).toBe(3333);
  });

  test('another customer’s subscription id in a form is a 404 and changes nothing', async () => {
    const mine = await subscribe(world.engine, world.basic);
    const theirs = await subscribe(world.engine, world.basic);
    const portal = await browse(mine.subscription_id);
    const refused = await portal.post(`${portal.path}/subscriptions/${theirs.subscription_id}/cancel`, { cancel: 'true' });
    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain(theirs.subscription_id);
    expect((await world.engine.subscriptions.get(theirs.subscription_id)).cancel_at_next_billing_date).toBe(false);
    expect((await portal.get(`${portal.path}/subscriptions/${theirs.subscription_id}/card`)).status).toBe(404);
  });

  test('profile: a bad phone is 422 and keeps what was typed; a good one saves (303)', async () => {
    const sub = await subscribe(world.engine, world.basic);
    const portal = await browse(sub.subscription_id);
    const bad = await portal.post(`${portal.path}/profile`, { name: 'Ann Lee', phone_number: 'call me' });
    expect([bad.status, bad.text.includes('value="call me"')]).toEqual([422, true]);
    const good = await portal.post(`${portal.path}/profile`, { name: 'Ann Lee', phone_number: '+14155550100' });
    expect(good.status).toBe(303);
    expect((await world.engine.customers.get(sub.customer.customer_id)).phone_number).toBe('+14155550100');
  });

  // shared/text.ts: no door takes U+0000, which PostgreSQL's text cannot hold.
  test('profile: a NUL character (%00) in a field is 422 and saves nothing', async () => {
    const sub = await subscribe(world.engine, world.basic);
    const portal = await browse(sub.subscription_id);
    const before = await world.engine.customers.get(sub.customer.customer_id);
    const refused = await portal.post(`${portal.path}/profile`, { name: 'Ann\u0000Lee', phone_number: '+14155550100' });
    expect([refused.status, refused.text.includes('Remove the NUL character (%00)')]).toEqual([422, true]);
    expect(await world.engine.customers.get(sub.customer.customer_id)).toEqual(before);
  });

  test('a card form with a bad expiry is 422; a declined card on an on_hold subscription is 402 and it stays on hold', async () => {
    const sub = await subscribe(world.engine, world.basic, { declined: true });
    await advanceTo(world.engine, '2025-05-02');
    const portal = await browse(sub.subscription_id);
    const at = `${portal.path}/subscriptions/${sub.subscription_id}/card`;
    expect((await portal.post(at, { card_number: '4242424242424242', card_expiry: '13', card_cvc: '123' })).status).toBe(422);
    expect((await portal.post(at, { card_number: '4000 0000 0000 0002', card_expiry: '06/32', card_cvc: '123' })).status).toBe(402);
    expect((await world.engine.subscriptions.get(sub.subscription_id)).status).toBe('on_hold');
    const ok = await portal.post(at, { card_number: '4242 4242 4242 4242', card_expiry: '06/32', card_cvc: '123' });
    expect([ok.status, ok.location]).toEqual([303, `${portal.path}?done=recovered`]);
    expect((await world.engine.subscriptions.get(sub.subscription_id)).status).toBe('active');
  });
});
