// Rule under test: SPEC §2.3 renewals on the calendar — the first period is charged at creation, each
// renewal at next_billing_date charges the next period, and periods count from the anchor day with
// month-end clamping (Jan 31 → Feb 28 → Mar 31; Feb 29 in a leap year). Driven by the test clock.
import { afterEach, describe, expect, test } from 'vitest';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, eventTypes, paymentsOf, plan } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

describe('SPEC §2.3 renewal timeline', () => {
  test('subscribe Apr 1 → advance to May 1 → charged 3000, next 06-01', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const basic = await plan(engine);
    const { subscription, payment } = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: basic.product_id,
      quantity: 1,
    });
    expect(payment).toMatchObject({ status: 'succeeded', total_amount: 3000 });
    expect(subscription).toMatchObject({
      status: 'active',
      recurring_pre_tax_amount: 3000,
      previous_billing_date: '2025-04-01T00:00:00.000Z',
      next_billing_date: '2025-05-01T00:00:00.000Z',
    });

    const advanced = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(advanced.processed).toMatchObject([
      { at: '2025-05-01T00:00:00.000Z', kind: 'renewal', amount: 3000, status_before: 'active', status_after: 'active' },
    ]);
    expect(advanced.events).toEqual(['payment.processing', 'payment.succeeded', 'subscription.renewed']);
    expect(await engine.subscriptions.get(subscription.subscription_id)).toMatchObject({
      previous_billing_date: '2025-05-01T00:00:00.000Z',
      next_billing_date: '2025-06-01T00:00:00.000Z',
    });
    expect(await paymentsOf(engine, subscription.subscription_id)).toEqual([
      ['2025-04-01', 3000, 'succeeded'],
      ['2025-05-01', 3000, 'succeeded'],
    ]);
    expect(await eventTypes(engine)).toContain('subscription.renewed');
  });
});
