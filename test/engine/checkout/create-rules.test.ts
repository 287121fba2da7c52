// Rule under test: SPEC §2.1 checkout session create — rules 1–13 in order, first failure wins; each error
// code is reached by the smallest request that triggers it, and a refused request writes nothing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BillingError, type ErrorCode } from '../../../src/engine/errors.js';
import type { NewCheckoutSession } from '../../../src/engine/checkout/types.js';
import { moneyState } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { buildWorld, FULL_ADDRESS, type World } from './world.js';

let engine: TestEngine;
let w: World;
beforeAll(async () => {
  engine = await createTestEngine();
  w = await buildWorld(engine);
});
afterAll(async () => {
  await engine.close();
});

const line = (product_id: string, quantity = 1) => ({ product_id, quantity });
const metadata51 = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));

type Case = [string, ErrorCode, (w: World) => NewCheckoutSession];

const CASES: Case[] = [
  ['§2.1 rule 1: an empty cart without a collection', 'PRODUCT_CART_EMPTY', () => ({ product_cart: [] })],
  ['§2.1 rule 1: an unknown product', 'NOT_FOUND', () => ({ product_cart: [line('pdt_nope')] })],
  ['§2.1 rule 1: an archived product', 'PRODUCT_IS_DELETED', (w) => ({ product_cart: [line(w.retired.product_id)] })],
  ['§2.1 rule 1: quantity 0', 'INVALID_REQUEST_BODY', (w) => ({ product_cart: [line(w.guide.product_id, 0)] })],
  ['§2.1 rule 1: usage-based quantity 2', 'INVALID_QUANTITY', (w) => ({ product_cart: [line(w.usage.product_id, 2)] })],
  [
    '§2.1 rule 1: the same product twice',
    'INVALID_REQUEST_PARAMETERS',
    (w) => ({ product_cart: [line(w.guide.product_id), line(w.guide.product_id)] }),
  ],
  [
    '§2.1 rule 2: a subscription with a one-time product',
    'INVALID_REQUEST_PARAMETERS',
    (w) => ({ product_cart: [line(w.basic.product_id), line(w.guide.product_id)] }),
  ],
  ['§2.1 rule 2: two subscriptions', 'INVALID_REQUEST_PARAMETERS', (w) => ({ product_cart: [line(w.basic.product_id), line(w.pro.product_id)] })],
  ['§2.1 rule 3: two brands', 'BRAND_MISMATCH', (w) => ({ product_cart: [line(w.guide.product_id), line(w.sideProduct.product_id)] })],
  ['§2.1 rule 3: a disabled brand', 'BRAND_NOT_ENABLED', (w) => ({ product_cart: [line(w.pausedProduct.product_id)] })],
  ['§2.1 rule 3: USD with INR', 'UNSUPPORTED_CURRENCY', (w) => ({ product_cart: [line(w.guide.product_id), line(w.rupees.product_id)] })],
  [
    '§2.1 rule 4: addons on a one-time line',
    'INVALID_REQUEST_PARAMETERS',
    (w) => ({ product_cart: [{ ...line(w.guide.product_id), addons: [{ addon_id: w.seat.addon_id, quantity: 1 }] }] }),
  ],
  [
    '§2.1 rule 4: addons on a usage-based line',
    'ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED',
    (w) => ({ product_cart: [{ ...line(w.usage.product_id), addons: [{ addon_id: w.seat.addon_id, quantity: 1 }] }] }),
  ],
  [
    '§2.1 rule 4: an unknown addon',
    'MISSING_ADDON_IDS',
    (w) => ({ product_cart: [{ ...line(w.basic.product_id), addons: [{ addon_id: 'adn_nope', quantity: 1 }] }] }),
  ],
  [
    '§2.1 rule 4: an addon not attached to the plan',
    'MISSING_ADDON_IDS',
    (w) => ({ product_cart: [{ ...line(w.basic.product_id), addons: [{ addon_id: w.spare.addon_id, quantity: 1 }] }] }),
  ],
  [
    '§2.1 rule 5: an amount on a fixed price',
    'INVALID_REQUEST_PARAMETERS',
    (w) => ({ product_cart: [{ ...line(w.guide.product_id), amount: 2000 }] }),
  ],
  [
    '§2.1 rule 5: a PWYW amount below the minimum',
    'REQUEST_AMOUNT_BELOW_MINIMUM',
    (w) => ({ product_cart: [{ ...line(w.tip.product_id), amount: 499 }] }),
  ],
  [
    '§2.1 rule 5: confirm without the PWYW amount',
    'PAY_AS_YOU_WANT_AMOUNT_REQUIRED',
    (w) => ({ product_cart: [line(w.tip.product_id)], confirm: true, billing_address: FULL_ADDRESS }),
  ],
  ['§2.1 rule 6: an unknown collection', 'NOT_FOUND', () => ({ product_collection_id: 'pcl_nope' })],
  ['§2.1 rule 6: an archived collection (PRODUCT_IS_DELETED)', 'PRODUCT_IS_DELETED', (w) => ({ product_collection_id: w.shelved.collection_id })],
  ['§2.1 rule 6: a collection offering nothing', 'PRODUCT_CART_EMPTY', (w) => ({ product_collection_id: w.empty.collection_id })],
  [
    '§2.1 rule 6 / D8: a cart product outside the collection',
    'INVALID_REQUEST_PARAMETERS',
    (w) => ({ product_collection_id: w.plans.collection_id, product_cart: [line(w.guide.product_id)] }),
  ],
  ['§2.1 rule 7: an unknown customer_id', 'NOT_FOUND', (w) => ({ product_cart: [line(w.guide.product_id)], customer: { customer_id: 'cus_nope' } })],
  [
    '§2.1 rule 7: customer_id with an email',
    'INVALID_REQUEST_BODY',
    (w) => ({ product_cart: [line(w.guide.product_id)], customer: { customer_id: w.ann.customer_id, email: 'x@example.com' } }),
  ],
  [
    '§2.1 rule 8: a country that is not ISO-2',
    'INVALID_REQUEST_BODY',
    (w) => ({ product_cart: [line(w.guide.product_id)], billing_address: { country: 'USA' } }),
  ],
  [
    '§2.1 rule 8: an unassigned country code',
    'UNSUPPORTED_COUNTRY',
    (w) => ({ product_cart: [line(w.guide.product_id)], billing_address: { country: 'QQ' } }),
  ],
  [
    '§2.1 rule 8: confirm with a partial address',
    'INVALID_REQUEST_BODY',
    (w) => ({ product_cart: [line(w.guide.product_id)], confirm: true, billing_address: { country: 'US', zipcode: '94102' } }),
  ],
  [
    '§2.1 rule 8: confirm with minimal_address but no zipcode',
    'INVALID_REQUEST_BODY',
    (w) => ({ product_cart: [line(w.guide.product_id)], confirm: true, minimal_address: true, billing_address: { country: 'US' } }),
  ],
  ['§2.1 rule 8: confirm without an address', 'INVALID_REQUEST_BODY', (w) => ({ product_cart: [line(w.guide.product_id)], confirm: true })],
  [
    '§2.1 rule 9: a trial of 10001 days',
    'INVALID_REQUEST_PARAMETERS',
    (w) => ({ product_cart: [line(w.basic.product_id)], subscription_data: { trial_period_days: 10_001 } }),
  ],
  ['§2.1 rule 10: an unknown discount code', 'INVALID_DISCOUNT_CODE', (w) => ({ product_cart: [line(w.guide.product_id)], discount_code: 'NOPE' })],
  [
    '§2.1 rule 11: payment_method_id without confirm',
    'INVALID_REQUEST_PARAMETERS',
    (w) => ({
      product_cart: [line(w.guide.product_id)],
      customer: { customer_id: w.ann.customer_id },
      payment_method_id: w.annCard.payment_method_id,
    }),
  ],
  [
    '§2.1 rule 11: payment_method_id without customer_id',
    'INVALID_REQUEST_PARAMETERS',
    (w) => ({
      product_cart: [line(w.guide.product_id)],
      confirm: true,
      customer: { email: 'ann@example.com' },
      payment_method_id: w.annCard.payment_method_id,
    }),
  ],
  [
    '§2.1 rule 11: another customer’s payment method',
    'INVALID_REQUEST_PARAMETERS',
    (w) => ({
      product_cart: [line(w.guide.product_id)],
      confirm: true,
      customer: { customer_id: w.ann.customer_id },
      payment_method_id: w.bobCard.payment_method_id,
    }),
  ],
  ['§2.1 rule 12 / D13: a total of 49', 'TOTAL_PAYMENT_AMOUNT_BELOW_MINIMUM_AMOUNT', (w) => ({ product_cart: [line(w.sticker.product_id)] })],
  ['§2.1 rule 13: 51 metadata keys', 'MAXIMUM_KEYS_REACHED', (w) => ({ product_cart: [line(w.guide.product_id)], metadata: metadata51 })],
  ['§2.1 rule 13: a malformed tax id', 'INVALID_TAX_ID', (w) => ({ product_cart: [line(w.guide.product_id)], tax_id: 'not-a-tax-id' })],
  // First failure wins: each request below breaks two rules and gets the earlier one's code.
  [
    'first failure: archived (1) before mixing (2)',
    'PRODUCT_IS_DELETED',
    (w) => ({ product_cart: [line(w.basic.product_id), line(w.retired.product_id)] }),
  ],
  [
    'first failure: mixing (2) before brands (3)',
    'INVALID_REQUEST_PARAMETERS',
    (w) => ({ product_cart: [line(w.basic.product_id), line(w.sideProduct.product_id)] }),
  ],
  [
    'first failure: currency (3) before PWYW (5)',
    'UNSUPPORTED_CURRENCY',
    (w) => ({ product_cart: [{ ...line(w.tip.product_id), amount: 1 }, line(w.rupees.product_id)] }),
  ],
  [
    'first failure: customer (7) before address (8)',
    'NOT_FOUND',
    (w) => ({ product_cart: [line(w.guide.product_id)], customer: { customer_id: 'cus_nope' }, billing_address: { country: 'QQ' } }),
  ],
  [
    'first failure: minimum (12) before metadata (13)',
    'TOTAL_PAYMENT_AMOUNT_BELOW_MINIMUM_AMOUNT',
    (w) => ({ product_cart: [line(w.sticker.product_id)], metadata: metadata51 }),
  ],
];

describe('SPEC §2.1 create_checkout_session refusals', () => {
  test.each(CASES)('%s → %s', async (_name, code, build) => {
    const before = await moneyState(engine);
    const error = await engine.checkout.create(build(w)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingError);
    expect((error as BillingError).code).toBe(code);
    expect((error as BillingError).nextStep).toBeTruthy();
    expect(await moneyState(engine)).toEqual(before);
  });
});

describe('SPEC §2.1 accepted edges', () => {
  test('rule 12 / D13: a 100 % code takes the total to exactly 0, which is allowed', async () => {
    await engine.discounts.create({ code: 'FREEBIE', type: 'percentage', amount: 10_000 });
    const created = await engine.checkout.create({ product_cart: [line(w.sticker.product_id)], discount_code: 'freebie' });
    expect(created.checkout_url).toBe(`http://127.0.0.1:3000/checkout/${created.session_id}`);
  });

  test('rule 5: a PWYW line without an amount is fine until the payment happens', async () => {
    const created = await engine.checkout.create({ product_cart: [line(w.tip.product_id)] });
    const session = await engine.checkout.get(created.session_id);
    expect(session.product_cart).toEqual([
      { product_id: w.tip.product_id, name: 'Tip jar', quantity: 1, amount: null, pay_what_you_want: true, addons: [] },
    ]);
    expect(session.summary.total_amount).toBe(500);
  });

  test('rule 8: confirm with minimal_address needs only zipcode and country', async () => {
    const created = await engine.checkout.create({
      product_cart: [line(w.guide.product_id)],
      confirm: true,
      minimal_address: true,
      billing_address: { country: 'us', zipcode: '94102' },
    });
    const session = await engine.checkout.get(created.session_id);
    expect(session.billing_address).toEqual({ country: 'US', street: null, city: null, state: null, zipcode: '94102' });
  });

  test('rule 13: a tax id is stored normalised (upper case, no separators) and shown on the session', async () => {
    const created = await engine.checkout.create({ product_cart: [line(w.guide.product_id)], tax_id: 'de 123.456-789' });
    expect((await engine.checkout.get(created.session_id)).tax_id).toBe('DE123456789');
  });
});
