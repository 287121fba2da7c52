// Rule under test: SPEC D16 late usage — an event accepted inside the D12 window (at most 1 hour old) whose
// timestamp lies in a period already billed is billed exactly once, on the subscription's next invoice, on
// its own line naming that period, for what the period's usage costs now minus what was billed for it, under
// that period's own free threshold; every meter line names the dates of the period it bills, and
// get_usage_history shows the period with the late units added.
import { afterEach, describe, expect, test } from 'vitest';
import { CARD_OK } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard } from '../../support/subscription-fixtures.js';
import { usagePlan } from '../../support/usage-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine?.close();
});

function calls(customerId: string, prefix: string, n: number, at?: string) {
  return Array.from({ length: n }, (_, i) => ({
    event_id: `${prefix}-${i}`,
    customer_id: customerId,
    event_name: 'api.call',
    ...(at !== undefined && { timestamp: at }),
  }));
}

/** The docs' API plan (1000 a month; calls 1,000 free at "2"), subscribed on Apr 1. */
async function subscribed() {
  engine = await createTestEngine('2025-04-01T00:00:00.000Z');
  const { customer, method } = await customerWithCard(engine);
  const { product } = await usagePlan(engine);
  const { subscription } = await engine.subscriptions.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_id: product.product_id,
    quantity: 1,
  });
  return { cus: customer.customer_id, id: subscription.subscription_id, method: method.payment_method_id };
}

async function renewalOn(id: string, day: string) {
  const payments = await engine.payments.list({ subscription_id: id });
  const payment = payments.items.find((p) => p.created_at === day);
  if (!payment) throw new Error(`no payment on ${day}`);
  return { payment, lines: (await engine.payments.lineItems(payment.payment_id)).items };
}

describe('SPEC D16: late usage', () => {
  test('dated 30 minutes before the May 1 renewal and sent 1 minute after it: billed once, on June’s invoice, for the difference', async () => {
    const { cus, id } = await subscribed();
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    for (const batch of ['a', 'b', 'c']) await engine.usage.ingest(calls(cus, `apr-${batch}`, 800));
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    // May 1 bills April: 2,400 calls, 1,000 free → 1,400 × 2 = 2800.
    const may = await renewalOn(id, '2025-05-01T00:00:00.000Z');
    expect(may.payment.total_amount).toBe(1000 + 2800);
    expect(may.lines.map((l) => l.name)).toContain('API calls, 2025-04-01 to 2025-05-01: 2400 calls, 1000 free, 1400 × 2');

    await engine.testClock.advance({ to: '2025-05-01T00:01:00.000Z' });
    expect(await engine.usage.ingest(calls(cus, 'late', 100, '2025-04-30T23:30:00.000Z'))).toEqual({ ingested_count: 100, duplicate_count: 0 });

    await engine.testClock.advance({ to: '2025-06-01T00:00:00.000Z' });
    // June 1: the fixed fee, May's calls (none), and April's 100 late calls: 2,500 now cost 3000, 2800 was billed → 200.
    const june = await renewalOn(id, '2025-06-01T00:00:00.000Z');
    expect(june.payment.total_amount).toBe(1000 + 200);
    expect(june.lines.map((l) => [l.kind, l.name, l.amount])).toContainEqual([
      'meter',
      'API calls, late usage for 2025-04-01 to 2025-05-01: +100 calls',
      200,
    ]);
    const history = await engine.usage.history(id);
    expect(history.periods[0]).toMatchObject({
      start_date: '2025-04-01T00:00:00.000Z',
      total_amount: 3000,
      meters: expect.arrayContaining([expect.objectContaining({ name: 'API calls', consumed_units: 2500, chargeable_units: 1500, amount: 3000 })]),
    });

    // Billed once: July bills nothing more for April.
    await engine.testClock.advance({ to: '2025-07-01T00:00:00.000Z' });
    const july = await renewalOn(id, '2025-07-01T00:00:00.000Z');
    expect(july.payment.total_amount).toBe(1000);
    expect(july.lines.some((l) => l.name.includes('late usage'))).toBe(false);
  });

  test('the late period’s own free threshold applies: 900 billed (all free), 250 late → 1,150: 150 over → 300', async () => {
    const { cus, id } = await subscribed();
    await engine.testClock.advance({ to: '2025-04-20T00:00:00.000Z' });
    await engine.usage.ingest(calls(cus, 'apr', 900));
    await engine.testClock.advance({ to: '2025-05-01T00:30:00.000Z' });
    await engine.usage.ingest(calls(cus, 'late', 50, '2025-04-30T23:45:00.000Z'));
    await engine.usage.ingest(calls(cus, 'more', 200, '2025-04-30T23:50:00.000Z'));
    await engine.testClock.advance({ to: '2025-06-01T00:00:00.000Z' });
    // 1,150 in April now: 150 over the 1,000 free → 300, all of it late (nothing was charged on May 1).
    const june = await renewalOn(id, '2025-06-01T00:00:00.000Z');
    expect(june.lines.filter((l) => l.name.includes('late usage')).map((l) => [l.name, l.amount])).toEqual([
      ['API calls, late usage for 2025-04-01 to 2025-05-01: +250 calls', 300],
    ]);
    expect(june.payment.total_amount).toBe(1000 + 300);
  });
});

describe('usage while on hold (SPEC D15 with D16: every accepted event billed once)', () => {
  test('declined May 1, 1,500 calls in June, recovered Aug 1: the recovery bills them (500 over the free 1,000 → 1000) once', async () => {
    const { cus, id, method } = await subscribed();
    await engine.customers.setPaymentMethodFailure(method, 'CARD_DECLINED');
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await engine.subscriptions.get(id)).toMatchObject({ status: 'on_hold', outstanding_amount: 1000 });
    await engine.testClock.advance({ to: '2025-06-15T00:00:00.000Z' });
    await engine.usage.ingest(calls(cus, 'june-a', 1000));
    await engine.usage.ingest(calls(cus, 'june-b', 500));
    await engine.testClock.advance({ to: '2025-08-01T00:00:00.000Z' });
    const good = await engine.customers.createPaymentMethod(cus, CARD_OK);
    const { payment } = await engine.subscriptions.updatePaymentMethod(id, { payment_method_id: good.payment_method_id });
    expect(payment?.total_amount).toBe(1000 + 1000);
    const lines = (await engine.payments.lineItems(payment?.payment_id ?? '')).items.map((l) => [l.name, l.amount]);
    expect(lines).toContainEqual(['API calls, 2025-05-01 to 2025-08-01: 1500 calls, 1000 free, 500 × 2', 1000]);
    // Billed once: the next renewal bills the fixed fee and August's usage (none), not June again.
    await engine.testClock.advance({ to: '2025-09-01T00:00:00.000Z' });
    const september = await renewalOn(id, '2025-09-01T00:00:00.000Z');
    expect(september.payment.total_amount).toBe(1000);
  });
});
