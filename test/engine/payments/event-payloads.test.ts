// Rule under test: SPEC §4 payment payloads — each payment.* event carries the payment as it stood when the
// event was written (chargeOrder builds the later states from the payment as written rather than reading it
// back): payment.succeeded|failed equal get_payment afterwards; payment.processing is the same payment
// before its outcome (status processing, no invoice, no error). Checked for a checkout purchase, a declined
// one, and a renewal run in a due-work batch (where the customer is read through the batch's cache).
import { afterEach, describe, expect, test } from 'vitest';
import type { Payment } from '../../../src/engine/payments/types.js';
import { CARD_DECLINED, CARD_OK, oneTime } from '../../support/checkout-fixtures.js';
import { customerWithCard, plan } from '../../support/subscription-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

async function paymentEvents(paymentId: string): Promise<Array<{ type: string; payload: Payment & { payload_type: string } }>> {
  const rows = await engine.ctx.db
    .selectFrom('outbox_events')
    .select(['type', 'payload'])
    .where('object_id', '=', paymentId)
    .orderBy('sequence')
    .execute();
  return rows.map((r) => ({ type: r.type, payload: JSON.parse(r.payload) as Payment & { payload_type: string } }));
}

async function expectPayloadsMatch(paymentId: string, outcome: 'payment.succeeded' | 'payment.failed') {
  const stored = await engine.payments.get(paymentId);
  const events = await paymentEvents(paymentId);
  expect(events.map((e) => e.type)).toEqual(['payment.processing', outcome]);
  const [processing, final] = events as [(typeof events)[0], (typeof events)[0]];
  expect(final.payload).toEqual({ payload_type: 'Payment', ...stored });
  expect(processing.payload).toEqual({
    payload_type: 'Payment',
    ...stored,
    status: 'processing',
    error_code: null,
    error_message: null,
    invoice_id: null,
    updated_at: stored.created_at,
  });
}

describe('payment event payloads', () => {
  test.each([
    ['a checkout purchase', CARD_OK, 'payment.succeeded'],
    ['a declined checkout purchase', CARD_DECLINED, 'payment.failed'],
  ] as const)('%s', async (_name, card, outcome) => {
    engine = await createTestEngine();
    const guide = await oneTime(engine);
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: guide.product_id, quantity: 2 }],
      customer: { email: 'buyer@example.com', name: 'Buyer' },
      billing_address: { country: 'US', city: 'Austin', state: 'TX', street: '1 Main St', zipcode: '78701' },
      metadata: { order: '42' },
    });
    engine.clock.advance(60_000);
    const { payment } = await engine.checkout.complete(session_id, { card });
    await expectPayloadsMatch(payment.payment_id, outcome);
  });

  test('a renewal in a due-work batch', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const product = await plan(engine);
    const created = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: product.product_id,
      quantity: 2,
    });
    await engine.customers.update(customer.customer_id, { name: 'Ann Renamed' });
    const [renewal] = (await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' })).processed;
    expect(renewal).toMatchObject({ subscription_id: created.subscription.subscription_id, amount: 6000 });
    await expectPayloadsMatch(renewal?.payment_id ?? '', 'payment.succeeded');
    expect((await engine.payments.get(renewal?.payment_id ?? '')).customer.name).toBe('Ann Renamed');
  });
});
