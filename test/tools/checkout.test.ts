// Rule under test: the checkout tools (SPEC §1.8, §2.1) — create_checkout_session, get_checkout_session and
// complete_checkout_session return the engine's objects as structuredContent, bad input is isError with the
// code and its next step, and a refused call leaves every checkout and payment table unchanged.
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

const ann = { email: 'ann@example.com', name: 'Ann' };

describe('checkout tools', () => {
  test('create → get → complete with 4242: the session completes with a succeeded payment', async () => {
    const guide = await oneTime(c.engine, { name: 'Guide', price: 1900 });
    const created = await c.ok('create_checkout_session', { product_cart: [{ product_id: guide.product_id, quantity: 2 }], customer: ann });
    expect(created).toEqual({
      session_id: 'cks_0001',
      checkout_url: 'http://127.0.0.1:3000/checkout/cks_0001',
      payment_id: null,
      payment_status: null,
      subscription_id: null,
    });
    const session = await c.ok('get_checkout_session', { session_id: 'cks_0001' });
    expect(session).toMatchObject({
      id: 'cks_0001',
      status: 'open',
      expires_at: '2025-04-02T00:00:00.000Z',
      summary: { currency: 'USD', total_amount: 3800 },
    });
    const done = await c.ok('complete_checkout_session', { session_id: 'cks_0001', card: CARD_OK });
    expect(done).toMatchObject({
      session_id: 'cks_0001',
      status: 'completed',
      payment: { payment_id: 'pay_0001', status: 'succeeded', total_amount: 3800 },
    });
  });

  test('an unknown session: NOT_FOUND with a next step that reads (issue 13)', async () => {
    expect(await c.fail('get_checkout_session', { session_id: 'cks_nope' })).toBe(
      'NOT_FOUND: no checkout session cks_nope. Next: use the session_id that create_checkout_session returned, or create a new session',
    );
  });

  test('a declined card returns the failed payment, not an error; the session stays open', async () => {
    const guide = await oneTime(c.engine);
    await c.ok('create_checkout_session', { product_cart: [{ product_id: guide.product_id, quantity: 1 }], customer: ann });
    const failed = await c.ok('complete_checkout_session', { session_id: 'cks_0001', card: CARD_DECLINED });
    expect(failed).toMatchObject({ status: 'open', payment: { status: 'failed', error_code: 'CARD_DECLINED' } });
  });

  test('a paid session is CHECKOUT_SESSION_CONSUMED', async () => {
    const guide = await oneTime(c.engine);
    await c.ok('create_checkout_session', { product_cart: [{ product_id: guide.product_id, quantity: 1 }], customer: ann });
    await c.ok('complete_checkout_session', { session_id: 'cks_0001', card: CARD_OK });
    expect(await c.fail('complete_checkout_session', { session_id: 'cks_0001', card: CARD_OK })).toMatch(
      /^CHECKOUT_SESSION_CONSUMED: .*Next: create a new checkout session/,
    );
  });

  test('a subscription checkout starts the subscription and charges its first period (SPEC §2.1 completion)', async () => {
    const plan = await monthlyPlan(c.engine);
    await c.ok('create_checkout_session', { product_cart: [{ product_id: plan.product_id, quantity: 1 }], customer: ann });
    const done = await c.ok('complete_checkout_session', { session_id: 'cks_0001', card: CARD_OK });
    expect(done).toMatchObject({
      status: 'completed',
      subscription_id: 'sub_0001',
      payment: { status: 'succeeded', total_amount: 3000, subscription_id: 'sub_0001' },
    });
    expect(await c.ok('get_subscription', { subscription_id: 'sub_0001' })).toMatchObject({
      status: 'active',
      next_billing_date: '2025-05-01T00:00:00.000Z',
    });
  });

  test('issue 13 links: a subscription checkout’s payment names its session; bought by cart, the subscription names the one collection holding its product (D7)', async () => {
    const plan = await monthlyPlan(c.engine);
    const collection = await c.ok<{ collection_id: string }>('create_product_collection', {
      name: 'Plans',
      products: [{ product_id: plan.product_id }],
    });
    await c.ok('create_checkout_session', { product_cart: [{ product_id: plan.product_id, quantity: 1 }], customer: ann });
    const done = await c.ok<{ payment: { payment_id: string } }>('complete_checkout_session', { session_id: 'cks_0001', card: CARD_OK });
    expect(await c.ok('get_payment', { payment_id: done.payment.payment_id })).toMatchObject({
      checkout_session_id: 'cks_0001',
      subscription_id: 'sub_0001',
    });
    expect(await c.ok('get_subscription', { subscription_id: 'sub_0001' })).toMatchObject({ collection_id: collection.collection_id });
  });

  test.each([
    ['create: an empty cart', 'create_checkout_session', { product_cart: [] }, 'PRODUCT_CART_EMPTY'],
    ['create: an unknown product', 'create_checkout_session', { product_cart: [{ product_id: 'pdt_nope', quantity: 1 }] }, 'NOT_FOUND'],
    ['create: quantity 0 (schema)', 'create_checkout_session', { product_cart: [{ product_id: 'pdt_0001', quantity: 0 }] }, 'INVALID_REQUEST_BODY'],
    // Issue 13: 2,147,483,648 made a succeeded payment of 21,260,088,115,200; 10^12 was INTERNAL_SERVER_ERROR.
    [
      'create: quantity 2,147,483,648 (over 10000)',
      'create_checkout_session',
      { product_cart: [{ product_id: 'pdt_0001', quantity: 2_147_483_648 }] },
      'INVALID_REQUEST_BODY',
    ],
    ['create: quantity 10^12', 'create_checkout_session', { product_cart: [{ product_id: 'pdt_0001', quantity: 1e12 }] }, 'INVALID_REQUEST_BODY'],
    [
      'create: an unknown field',
      'create_checkout_session',
      { product_cart: [{ product_id: 'pdt_0001', quantity: 1 }], confirmed: true },
      'INVALID_REQUEST_BODY',
    ],
    [
      'create: a trial of 10001 days',
      'create_checkout_session',
      { product_cart: [{ product_id: 'pdt_0001', quantity: 1 }], subscription_data: { trial_period_days: 10_001 } },
      'INVALID_REQUEST_PARAMETERS',
    ],
    [
      'create: a bad return_url',
      'create_checkout_session',
      { product_cart: [{ product_id: 'pdt_0001', quantity: 1 }], return_url: 'thanks' },
      'INVALID_REQUEST_BODY',
    ],
    ['get: an unknown session', 'get_checkout_session', { session_id: 'cks_nope' }, 'NOT_FOUND'],
    ['complete: neither card nor payment method', 'complete_checkout_session', { session_id: 'cks_0001' }, 'INVALID_REQUEST_BODY'],
    [
      'complete: both card and payment method',
      'complete_checkout_session',
      { session_id: 'cks_0001', card: CARD_OK, payment_method_id: 'pm_0001' },
      'INVALID_REQUEST_BODY',
    ],
    [
      'complete: a card failing Luhn',
      'complete_checkout_session',
      { session_id: 'cks_0001', card: { ...CARD_OK, number: '4242424242424241' } },
      'INVALID_REQUEST_BODY',
    ],
    ['complete: an unknown session', 'complete_checkout_session', { session_id: 'cks_nope', card: CARD_OK }, 'NOT_FOUND'],
    [
      'complete: a product switch on a plain checkout',
      'complete_checkout_session',
      { session_id: 'cks_0001', card: CARD_OK, product_id: 'pdt_0002' },
      'INVALID_REQUEST_PARAMETERS',
    ],
  ])('%s → isError %s, nothing written', async (_name, tool, args, code) => {
    await oneTime(c.engine);
    await oneTime(c.engine, { name: 'Other' });
    await c.ok('create_checkout_session', { product_cart: [{ product_id: 'pdt_0001', quantity: 1 }], customer: ann });
    const before = await moneyState(c.engine);
    const text = await c.fail(tool, args);
    expect(text.startsWith(`${code}: `)).toBe(true);
    expect(text).toContain('. Next: ');
    expect(await moneyState(c.engine)).toEqual(before);
  });
});
