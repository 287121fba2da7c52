// Rule under test: SPEC §2.6 on-demand subscriptions — mandate_only authorises without a charge, otherwise
// product_price (default the product price) is charged at creation; they never renew on their own; charge()
// bills a custom amount with the checks in SPEC order (SUBSCRIPTION_NOT_ON_DEMAND, SUBSCRIPTION_EXPIRED,
// SUBSCRIPTION_INACTIVE, CHARGE_NOT_ALLOWED_FOR_SCHEDULED_CANCELLATION, the D13 minimum), and a decline
// leaves the status unchanged.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import type { OnDemandCharge } from '../../../src/engine/subscriptions/types.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, eventTypes, lastSequence, paymentsOf, plan, subscriptionState } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine('2025-04-01T00:00:00.000Z');
  await customerWithCard(engine);
  await plan(engine);
});
afterEach(async () => {
  await engine.close();
});

const create = (on_demand: { mandate_only: boolean; product_price?: number }) =>
  engine.subscriptions.create({ customer_id: 'cus_0001', payment_method_id: 'pm_0001', product_id: 'pdt_0001', quantity: 1, on_demand });

describe('SPEC §2.6 on-demand', () => {
  test('mandate_only: active, no payment, subscription.active; never renews', async () => {
    const { subscription, payment } = await create({ mandate_only: true });
    expect(payment).toBeNull();
    expect(subscription).toMatchObject({ status: 'active', on_demand: true });
    expect(await eventTypes(engine)).toEqual(['subscription.active']);
    expect(await engine.testClock.get()).toMatchObject({ next_due_at: null });
    expect((await engine.testClock.advance({ by: { months: 3 } })).processed).toEqual([]);
    expect(await paymentsOf(engine, subscription.subscription_id)).toEqual([]);
  });

  test('mandate_only false: the first charge is product_price (1000), else the product price (3000)', async () => {
    expect((await create({ mandate_only: false, product_price: 1000 })).payment).toMatchObject({ status: 'succeeded', total_amount: 1000 });
    expect((await create({ mandate_only: false })).payment).toMatchObject({ status: 'succeeded', total_amount: 3000 });
  });

  test('charge 2500 with a description and metadata → a succeeded payment; the status stays active', async () => {
    const { subscription } = await create({ mandate_only: true });
    const mark = await lastSequence(engine);
    const payment = await engine.subscriptions.charge(subscription.subscription_id, {
      product_price: 2500,
      product_currency: 'usd',
      product_description: 'Extra usage for March',
      metadata: { month: '2025-03' },
    });
    expect(payment).toMatchObject({
      status: 'succeeded',
      total_amount: 2500,
      subscription_id: subscription.subscription_id,
      metadata: { month: '2025-03' },
    });
    expect((await engine.payments.lineItems(payment.payment_id)).items).toMatchObject([
      { name: 'Extra usage for March', quantity: 1, unit_price: 2500 },
    ]);
    expect(await eventTypes(engine, mark)).toEqual(['payment.processing', 'payment.succeeded']);
  });

  test('a declined charge is a failed payment; the subscription stays active (PROPOSED, AMBIG-15)', async () => {
    const { subscription } = await create({ mandate_only: true });
    await engine.customers.setPaymentMethodFailure('pm_0001', 'INSUFFICIENT_FUNDS');
    const payment = await engine.subscriptions.charge(subscription.subscription_id, { product_price: 2500 });
    expect(payment).toMatchObject({ status: 'failed', error_code: 'INSUFFICIENT_FUNDS' });
    expect((await engine.subscriptions.get(subscription.subscription_id)).status).toBe('active');
  });

  test('a scheduled cancellation still ends an on-demand subscription at next_billing_date', async () => {
    const { subscription } = await create({ mandate_only: true });
    await engine.subscriptions.update(subscription.subscription_id, { cancel_at_next_billing_date: true });
    const may = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(may.processed).toMatchObject([{ kind: 'scheduled_cancellation', status_after: 'cancelled' }]);
  });

  test.each<[string, 'regular' | 'cancelled' | 'scheduled' | 'expired' | 'plain', OnDemandCharge, string, string]>([
    [
      'a regular subscription',
      'regular',
      { product_price: 2500 },
      'SUBSCRIPTION_NOT_ON_DEMAND',
      'subscription sub_0001 is not on-demand; it renews on its own schedule',
    ],
    ['an expired one', 'expired', { product_price: 2500 }, 'SUBSCRIPTION_EXPIRED', 'subscription sub_0001 expired'],
    ['a cancelled one', 'cancelled', { product_price: 2500 }, 'SUBSCRIPTION_INACTIVE', 'subscription sub_0001 is cancelled, not active'],
    [
      'a scheduled cancellation',
      'scheduled',
      { product_price: 2500 },
      'CHARGE_NOT_ALLOWED_FOR_SCHEDULED_CANCELLATION',
      'subscription sub_0001 is scheduled to cancel at its next billing date',
    ],
    [
      '49 minor units',
      'plain',
      { product_price: 49 },
      'TOTAL_PAYMENT_AMOUNT_BELOW_MINIMUM_AMOUNT',
      'the total $0.49 (49) is below the minimum charge of 50 minor units',
    ],
    ['0 minor units', 'plain', { product_price: 0 }, 'INVALID_REQUEST_BODY', 'product_price must be whole minor units > 0 (2500 = $25.00), got 0'],
    [
      'another currency',
      'plain',
      { product_price: 2500, product_currency: 'INR' },
      'UNSUPPORTED_CURRENCY',
      'subscription sub_0001 is billed in USD; product_currency INR differs',
    ],
  ])('charging %s → %s, nothing written', async (_name, kind, charge, code, message) => {
    if (kind === 'regular')
      await engine.subscriptions.create({ customer_id: 'cus_0001', payment_method_id: 'pm_0001', product_id: 'pdt_0001', quantity: 1 });
    else await create({ mandate_only: true });
    if (kind === 'cancelled') await engine.subscriptions.cancel('sub_0001');
    if (kind === 'scheduled') await engine.subscriptions.update('sub_0001', { cancel_at_next_billing_date: true });
    if (kind === 'expired') await engine.ctx.db.updateTable('subscriptions').set({ status: 'expired' }).execute();
    const before = await subscriptionState(engine);
    const error = await engine.subscriptions.charge('sub_0001', charge).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingError);
    expect((error as BillingError).code).toBe(code);
    expect((error as BillingError).message).toBe(message);
    expect(await subscriptionState(engine)).toEqual(before);
  });

  test('charging an unknown subscription → NOT_FOUND', async () => {
    const error = await engine.subscriptions.charge('sub_nope', { product_price: 2500 }).catch((e: unknown) => e);
    expect((error as BillingError).code).toBe('NOT_FOUND');
  });
});
