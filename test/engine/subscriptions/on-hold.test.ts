// Rule under test: SPEC §2.3 failures and "Leaving on_hold" (seed 004) — a declined first charge leaves the
// subscription failed (subscription.failed, payment.failed); a declined renewal puts it on_hold with the
// amount outstanding (payment.failed, subscription.on_hold) and stops renewals; updating the payment method
// with a good card charges the outstanding amount once, reactivates it (payment.succeeded then
// subscription.active) and restarts the cycle at that instant (SPEC D15: the months on hold are never
// billed); on an active subscription the update only swaps the method.
import { afterEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import { CARD_OK } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, eventTypes, lastSequence, paymentsOf, plan, subscriptionState } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

async function activeThenDeclining() {
  engine = await createTestEngine('2025-04-01T00:00:00.000Z');
  const { customer, method } = await customerWithCard(engine);
  const basic = await plan(engine);
  const { subscription } = await engine.subscriptions.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_id: basic.product_id,
    quantity: 1,
  });
  // The saved card starts declining after the first payment (SPEC §5: saved methods keep their behaviour).
  await engine.customers.setPaymentMethodFailure(method.payment_method_id, 'CARD_DECLINED');
  return { customer, method, id: subscription.subscription_id };
}

describe('SPEC §2.3 failed charges', () => {
  test('a declined first charge: status failed, subscription.failed then payment.failed, no renewals', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine, { declining: true });
    const basic = await plan(engine);
    const { subscription, payment } = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: basic.product_id,
      quantity: 1,
    });
    expect(payment).toMatchObject({ status: 'failed', error_code: 'CARD_DECLINED', total_amount: 3000, invoice_id: null });
    expect(subscription.status).toBe('failed');
    expect(await eventTypes(engine)).toEqual(['payment.processing', 'subscription.failed', 'payment.failed']);
    expect((await engine.testClock.advance({ by: { months: 2 } })).processed).toEqual([]);
    expect(await engine.testClock.get()).toMatchObject({ next_due_at: null });
  });

  test('renewal on a declining saved method → on_hold, 3000 outstanding, payment.failed + subscription.on_hold', async () => {
    const { id } = await activeThenDeclining();
    const mark = await lastSequence(engine);
    const advanced = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(advanced.processed).toMatchObject([
      { at: '2025-05-01T00:00:00.000Z', kind: 'renewal', amount: 3000, status_before: 'active', status_after: 'on_hold' },
    ]);
    expect(await eventTypes(engine, mark)).toEqual(['payment.processing', 'payment.failed', 'subscription.on_hold']);
    expect(await engine.subscriptions.get(id)).toMatchObject({
      status: 'on_hold',
      outstanding_amount: 3000,
      // The unpaid period is not entered: the dates stay until the outstanding amount is paid.
      previous_billing_date: '2025-04-01T00:00:00.000Z',
      next_billing_date: '2025-05-01T00:00:00.000Z',
    });
    // On hold, nothing renews: June 1 passes without a charge.
    expect((await engine.testClock.advance({ to: '2025-06-02T00:00:00.000Z' })).processed).toEqual([]);
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-05-01', 3000, 'failed'],
    ]);
  });

  test('recovery: a good card charges the 3000 outstanding → active, payment.succeeded then subscription.active', async () => {
    const { customer, id } = await activeThenDeclining();
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    engine.clock.set('2025-05-03T00:00:00.000Z');
    const good = await engine.customers.createPaymentMethod(customer.customer_id, CARD_OK);
    const mark = await lastSequence(engine);
    const { subscription, payment } = await engine.subscriptions.updatePaymentMethod(id, { payment_method_id: good.payment_method_id });
    expect(payment).toMatchObject({ status: 'succeeded', total_amount: 3000, payment_method_id: good.payment_method_id });
    expect(await eventTypes(engine, mark)).toEqual(['payment.processing', 'payment.succeeded', 'subscription.active', 'subscription.renewed']);
    expect(subscription).toMatchObject({
      status: 'active',
      outstanding_amount: 0,
      payment_method_id: good.payment_method_id,
      // SPEC D15: the cycle restarts at the recovery instant; the 3000 pays May 3 → Jun 3.
      previous_billing_date: '2025-05-03T00:00:00.000Z',
      next_billing_date: '2025-06-03T00:00:00.000Z',
    });
    expect(await engine.payments.invoice(payment?.payment_id ?? '')).toMatchObject({
      total_amount: 3000,
      period: { start: '2025-05-03T00:00:00.000Z', end: '2025-06-03T00:00:00.000Z' },
    });
    // Renewals resume on the new card, one interval after the recovery.
    expect((await engine.testClock.advance({ to: '2025-06-02T00:00:00.000Z' })).processed).toEqual([]);
    const june = await engine.testClock.advance({ to: '2025-06-03T00:00:00.000Z' });
    expect(june.processed).toMatchObject([{ at: '2025-06-03T00:00:00.000Z', kind: 'renewal', amount: 3000, status_after: 'active' }]);
  });

  test('SPEC D15: three months on hold, then a good card: 3000 charged once, the next renewal one interval later', async () => {
    const { customer, id } = await activeThenDeclining();
    await engine.testClock.advance({ to: '2025-08-01T00:00:00.000Z' });
    const good = await engine.customers.createPaymentMethod(customer.customer_id, CARD_OK);
    const { subscription, payment } = await engine.subscriptions.updatePaymentMethod(id, { payment_method_id: good.payment_method_id });
    expect(payment).toMatchObject({ status: 'succeeded', total_amount: 3000 });
    expect(subscription).toMatchObject({ previous_billing_date: '2025-08-01T00:00:00.000Z', next_billing_date: '2025-09-01T00:00:00.000Z' });
    // The months on hold (May, June, July) are never billed: the next tick charges nothing.
    expect((await engine.testClock.advance({ by: { minutes: 1 } })).processed).toEqual([]);
    await engine.testClock.advance({ to: '2025-09-01T00:00:00.000Z' });
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-05-01', 3000, 'failed'],
      ['2025-08-01', 3000, 'succeeded'],
      ['2025-09-01', 3000, 'succeeded'],
    ]);
  });

  test('recovery with another declining card: payment.failed, still on_hold with 3000 outstanding', async () => {
    const { method, id } = await activeThenDeclining();
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    const mark = await lastSequence(engine);
    const { subscription, payment } = await engine.subscriptions.updatePaymentMethod(id, { payment_method_id: method.payment_method_id });
    expect(payment).toMatchObject({ status: 'failed', error_code: 'CARD_DECLINED' });
    expect(subscription).toMatchObject({ status: 'on_hold', outstanding_amount: 3000 });
    expect(await eventTypes(engine, mark)).toEqual(['payment.processing', 'payment.failed']);
  });

  test('on an active subscription the update only swaps the method (subscription.updated, no payment)', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const basic = await plan(engine);
    const { subscription: created } = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: basic.product_id,
      quantity: 1,
    });
    const other = await engine.customers.createPaymentMethod(customer.customer_id, CARD_OK);
    const mark = await lastSequence(engine);
    const { subscription, payment } = await engine.subscriptions.updatePaymentMethod(created.subscription_id, {
      payment_method_id: other.payment_method_id,
    });
    expect(payment).toBeNull();
    expect(subscription).toMatchObject({ status: 'active', payment_method_id: other.payment_method_id });
    expect(await eventTypes(engine, mark)).toEqual(['subscription.updated']);
    const may = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await engine.payments.get(may.processed[0]?.payment_id ?? '')).toMatchObject({ payment_method_id: other.payment_method_id });
  });

  test.each([
    ['another customer’s method', 'INVALID_REQUEST_PARAMETERS'],
    ['an unknown method', 'NOT_FOUND'],
    ['a cancelled subscription', 'INVALID_REQUEST_PARAMETERS'],
  ])('payment-method update with %s → %s, nothing changes', async (name, code) => {
    const { method, id } = await activeThenDeclining();
    const stranger = await customerWithCard(engine, { email: 'bob@example.com' });
    if (name === 'a cancelled subscription') await engine.subscriptions.cancel(id);
    const target =
      name === 'an unknown method' ? 'pm_nope' : name === 'another customer’s method' ? stranger.method.payment_method_id : method.payment_method_id;
    const before = await subscriptionState(engine);
    const error = await engine.subscriptions.updatePaymentMethod(id, { payment_method_id: target }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingError);
    expect((error as BillingError).code).toBe(code);
    expect(await subscriptionState(engine)).toEqual(before);
  });
});
