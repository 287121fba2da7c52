// Rule under test: DESIGN "every write is one transaction" — a payment and its events (payment.processing,
// payment.succeeded|failed) commit together, and a failure anywhere in the charge rolls back both.
import { afterEach, describe, expect, test } from 'vitest';
import type { PaymentProcessor } from '../../../src/engine/payments/processor.js';
import { CARD_OK, eventLog, moneyState, oneTime } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

/** A processor whose network "times out": a bug-class failure, thrown mid-charge. */
const brokenProcessor: PaymentProcessor = {
  charge: () => Promise.reject(new Error('processor unreachable')),
};

describe('payments and their events commit together', () => {
  test('a processor failure mid-charge leaves no payment, no line, no event, no customer, no saved card', async () => {
    engine = await createTestEngine(undefined, { processor: brokenProcessor });
    const guide = await oneTime(engine);
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: guide.product_id, quantity: 1 }],
      customer: { email: 'a@example.com', name: 'A' },
    });
    const before = await moneyState(engine);
    await expect(engine.checkout.complete(session_id, { card: CARD_OK })).rejects.toThrow('processor unreachable');
    expect(await moneyState(engine)).toEqual(before);
    expect(await eventLog(engine)).toEqual([]);
    expect((await engine.checkout.get(session_id)).status).toBe('open');
  });

  test('each recorded payment has exactly its processing and outcome events', async () => {
    engine = await createTestEngine();
    const guide = await oneTime(engine);
    for (const email of ['a@example.com', 'b@example.com']) {
      const { session_id } = await engine.checkout.create({
        product_cart: [{ product_id: guide.product_id, quantity: 1 }],
        customer: { email, name: 'B' },
      });
      await engine.checkout.complete(session_id, { card: CARD_OK });
    }
    expect(await eventLog(engine)).toEqual([
      ['payment.processing', 'pay_0001'],
      ['payment.succeeded', 'pay_0001'],
      ['payment.processing', 'pay_0002'],
      ['payment.succeeded', 'pay_0002'],
    ]);
    const payload = await engine.ctx.db
      .selectFrom('outbox_events')
      .select('payload')
      .where('type', '=', 'payment.succeeded')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(payload.payload)).toMatchObject({
      payload_type: 'Payment',
      payment_id: 'pay_0001',
      status: 'succeeded',
      invoice_id: 'inv_0001',
    });
  });
});
