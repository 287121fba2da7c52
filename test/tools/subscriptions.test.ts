// Rule under test: the subscription and test-clock tools (SPEC §2.3, §2.6, D14) — results are the engine's
// objects as structuredContent (validated by the SDK client against each output schema), errors are
// isError with "CODE: message. Next: step", and a refused call leaves every table unchanged.
import { subscriptionSummarySchema } from '../../src/tools/schemas/subscription.js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CARD_DECLINED, CARD_OK } from '../support/checkout-fixtures.js';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';
import { plan, subscriptionState } from '../support/subscription-fixtures.js';

let c: ConnectedClient;
beforeEach(async () => {
  c = await connectClient();
  const ann = await c.engine.customers.create({ email: 'ann@example.com', name: 'Ann' });
  await c.engine.customers.createPaymentMethod(ann.customer_id, CARD_OK); // pm_0001
  await c.engine.customers.createPaymentMethod(ann.customer_id, CARD_DECLINED); // pm_0002
  await plan(c.engine); // pdt_0001, $30.00 monthly
});
afterEach(async () => {
  await c.close();
});

const subscribe = (extra: Record<string, unknown> = {}) =>
  c.ok<{ subscription: { subscription_id: string }; payment: { total_amount: number } | null }>('create_subscription', {
    customer_id: 'cus_0001',
    payment_method_id: 'pm_0001',
    product_id: 'pdt_0001',
    quantity: 1,
    ...extra,
  });

describe('subscription tools', () => {
  test('create → advance_test_clock to May 1 → get: renewed for 3000, next 06-01', async () => {
    const created = await subscribe();
    expect(created).toMatchObject({
      subscription: { subscription_id: 'sub_0001', status: 'active', next_billing_date: '2025-05-01T00:00:00.000Z', recurring_pre_tax_amount: 3000 },
      payment: { payment_id: 'pay_0001', status: 'succeeded', total_amount: 3000 },
    });
    expect(await c.ok('get_test_clock')).toMatchObject({ now: '2025-04-01T00:00:00.000Z', offset_ms: 0, next_due_at: '2025-05-01T00:00:00.000Z' });
    const advanced = await c.ok('advance_test_clock', { to: '2025-05-01T00:00:00Z' });
    expect(advanced).toEqual({
      from: '2025-04-01T00:00:00.000Z',
      to: '2025-05-01T00:00:00.000Z',
      target: '2025-05-01T00:00:00.000Z',
      completed: true,
      processed_count: 1,
      processed: [
        {
          at: '2025-05-01T00:00:00.000Z',
          subscription_id: 'sub_0001',
          kind: 'renewal',
          payment_id: 'pay_0002',
          amount: 3000,
          status_before: 'active',
          status_after: 'active',
          events: ['payment.processing', 'payment.succeeded', 'subscription.renewed'],
        },
      ],
      events: ['payment.processing', 'payment.succeeded', 'subscription.renewed'],
    });
    expect(await c.ok('get_subscription', { subscription_id: 'sub_0001' })).toMatchObject({
      previous_billing_date: '2025-05-01T00:00:00.000Z',
      next_billing_date: '2025-06-01T00:00:00.000Z',
    });
  });

  test('list, update (schedule cancellation), advance: cancelled at May 1 without a charge', async () => {
    await subscribe();
    expect(await c.ok('list_subscriptions', { status: 'active' })).toMatchObject({ items: [{ subscription_id: 'sub_0001' }], has_more: false });
    // A list holds summaries; get_subscription the whole record (issue 14).
    const [summary] = (await c.ok<{ items: Record<string, unknown>[] }>('list_subscriptions', { status: 'active' })).items;
    expect(Object.keys(summary ?? {}).sort()).toEqual(Object.keys(subscriptionSummarySchema.shape).sort());
    const whole = await c.ok('get_subscription', { subscription_id: 'sub_0001' });
    for (const [field, value] of Object.entries(summary ?? {})) expect(whole[field], field).toEqual(value);
    expect(
      await c.ok('update_subscription', { subscription_id: 'sub_0001', cancel_at_next_billing_date: true, metadata: { why: 'budget' } }),
    ).toMatchObject({
      cancel_at_next_billing_date: true,
      metadata: { why: 'budget' },
    });
    const advanced = await c.ok<{ events: string[] }>('advance_test_clock', { by: { months: 1 } });
    expect(advanced.events).toEqual(['subscription.cancelled']);
    expect(await c.ok('get_subscription', { subscription_id: 'sub_0001' })).toMatchObject({
      status: 'cancelled',
      cancelled_at: '2025-05-01T00:00:00.000Z',
    });
  });

  test('cancel_subscription cancels now; on_hold recovery through update_subscription_payment_method', async () => {
    await subscribe({ payment_method_id: 'pm_0001' });
    await c.ok('update_subscription_payment_method', { subscription_id: 'sub_0001', payment_method_id: 'pm_0002' });
    const held = await c.ok<{ processed: Array<{ status_after: string }> }>('advance_test_clock', { to: '2025-05-01T00:00:00Z' });
    expect(held.processed[0]?.status_after).toBe('on_hold');
    const recovered = await c.ok('update_subscription_payment_method', { subscription_id: 'sub_0001', payment_method_id: 'pm_0001' });
    expect(recovered).toMatchObject({
      subscription: { status: 'active', outstanding_amount: 0 },
      payment: { status: 'succeeded', total_amount: 3000 },
    });
    expect(await c.ok('cancel_subscription', { subscription_id: 'sub_0001' })).toMatchObject({
      status: 'cancelled',
      cancelled_at: '2025-05-01T00:00:00.000Z',
    });
  });

  test('charge_subscription on an on-demand subscription returns the payment', async () => {
    const created = await subscribe({ on_demand: { mandate_only: true } });
    expect(created.payment).toBeNull();
    expect(await c.ok('charge_subscription', { subscription_id: 'sub_0001', product_price: 2500, product_description: 'March usage' })).toMatchObject(
      {
        payment_id: 'pay_0001',
        status: 'succeeded',
        total_amount: 2500,
        subscription_id: 'sub_0001',
      },
    );
  });

  test.each<[string, string, Record<string, unknown>, string]>([
    [
      'get: an unknown id',
      'get_subscription',
      { subscription_id: 'sub_nope' },
      'NOT_FOUND: no subscription sub_nope. Next: list_subscriptions shows the existing ids',
    ],
    [
      'create: a trial of 10001 days',
      'create_subscription',
      { customer_id: 'cus_0001', payment_method_id: 'pm_0001', product_id: 'pdt_0001', quantity: 1, trial_period_days: 10_001 },
      'INVALID_REQUEST_PARAMETERS: trial_period_days must be a whole number from 0 to 10000, got 10001. Next: send e.g. 14, or 0 for no trial',
    ],
    [
      'update: next_billing_date in the past',
      'update_subscription',
      { subscription_id: 'sub_0001', next_billing_date: '2025-03-01T00:00:00Z' },
      'INVALID_REQUEST_PARAMETERS: next_billing_date must be in the future; 2025-03-01T00:00:00Z is not after now (2025-04-01T00:00:00.000Z). Next: send an instant after 2025-04-01T00:00:00.000Z',
    ],
    [
      'charge: a regular subscription',
      'charge_subscription',
      { subscription_id: 'sub_0001', product_price: 2500 },
      'SUBSCRIPTION_NOT_ON_DEMAND: subscription sub_0001 is not on-demand; it renews on its own schedule. Next: create an on-demand subscription (create_subscription with on_demand) to charge custom amounts',
    ],
    [
      'advance: backwards',
      'advance_test_clock',
      { to: '2025-03-01T00:00:00Z' },
      'INVALID_REQUEST_PARAMETERS: the test clock only moves forward: 2025-03-01T00:00:00.000Z is before now (2025-04-01T00:00:00.000Z). Next: send an instant at or after 2025-04-01T00:00:00.000Z',
    ],
    [
      'advance: both to and by',
      'advance_test_clock',
      { to: '2025-05-01T00:00:00Z', by: { days: 1 } },
      'INVALID_REQUEST_BODY: give to or by, not both. Next: send e.g. by: {months: 1} or to: "2025-05-01T00:00:00Z"',
    ],
    [
      'update_subscription_payment_method: an unknown method',
      'update_subscription_payment_method',
      { subscription_id: 'sub_0001', payment_method_id: 'pm_nope' },
      'NOT_FOUND: no payment method pm_nope. Next: list_customer_payment_methods for cus_0001 shows its saved methods',
    ],
  ])('%s → exact error text, nothing written', async (_name, tool, args, text) => {
    await subscribe();
    const before = await subscriptionState(c.engine);
    expect(await c.fail(tool, args)).toBe(text);
    expect(await subscriptionState(c.engine)).toEqual(before);
  });

  test('cancel_subscription twice → INVALID_REQUEST_PARAMETERS with the next step', async () => {
    await subscribe();
    await c.ok('cancel_subscription', { subscription_id: 'sub_0001' });
    expect(await c.fail('cancel_subscription', { subscription_id: 'sub_0001' })).toBe(
      'INVALID_REQUEST_PARAMETERS: subscription sub_0001 is already cancelled. Next: nothing to cancel; create_subscription starts a new one',
    );
  });

  test('cancel_subscription is marked destructive; the reads are read-only', async () => {
    const { tools } = await c.client.listTools();
    const annotations = (name: string) => tools.find((t) => t.name === name)?.annotations;
    expect(annotations('cancel_subscription')).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    expect(annotations('get_subscription')).toMatchObject({ readOnlyHint: true });
    expect(annotations('get_test_clock')).toMatchObject({ readOnlyHint: true });
    expect(annotations('advance_test_clock')).toMatchObject({ readOnlyHint: false });
  });
});
