// Rule under test: saved payment methods (SPEC §1.6, §5) — a card is saved with its test verdict, a method
// belongs to one customer, bad cards save nothing, and the test switch flips a method to failing and back.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
  await engine.customers.create({ email: 'ann@example.com', name: 'Ann' });
  await engine.customers.create({ email: 'bob@example.com', name: 'Bob' });
});
afterEach(async () => {
  await engine.close();
});

const visa = { number: '4242424242424242', exp_month: 6, exp_year: 2032, cvc: '123' };
const decline = { number: '4000 0000 0000 0002', exp_month: 6, exp_year: 2032 };

describe('payment methods', () => {
  test('a saved card keeps brand, last four, expiry, country and its test verdict, never the number', async () => {
    const method = await engine.customers.createPaymentMethod('cus_0001', visa);
    expect(method).toEqual({
      payment_method_id: 'pm_0001',
      customer_id: 'cus_0001',
      type: 'card',
      card: { brand: 'Visa', last4: '4242', exp_month: 6, exp_year: 2032, country: 'US' },
      test_failure_code: null,
      created_at: '2025-04-01T00:00:00.000Z',
    });
    expect(JSON.stringify(method)).not.toContain('4242424242424242');
    const declined = await engine.customers.createPaymentMethod('cus_0001', decline);
    expect(declined.test_failure_code).toBe('CARD_DECLINED');
  });

  test('list is newest first and only the customer’s own', async () => {
    await engine.customers.createPaymentMethod('cus_0001', visa);
    engine.clock.advance(1000);
    await engine.customers.createPaymentMethod('cus_0001', decline);
    await engine.customers.createPaymentMethod('cus_0002', visa);
    expect((await engine.customers.listPaymentMethods('cus_0001')).map((m) => m.payment_method_id)).toEqual(['pm_0002', 'pm_0001']);
    expect((await engine.customers.listPaymentMethods('cus_0002')).map((m) => m.payment_method_id)).toEqual(['pm_0003']);
    await expect(engine.customers.listPaymentMethods('cus_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('a method of another customer is INVALID_REQUEST_PARAMETERS; an unknown one NOT_FOUND', async () => {
    await engine.customers.createPaymentMethod('cus_0001', visa);
    await expect(engine.customers.getPaymentMethod('cus_0002', 'pm_0001')).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
      message: 'payment method pm_0001 belongs to another customer, not cus_0002',
    });
    await expect(engine.customers.getPaymentMethod('cus_0001', 'pm_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await engine.customers.getPaymentMethod('cus_0001', 'pm_0001')).card.last4).toBe('4242');
  });

  test.each([
    ['a non-Luhn number', { ...visa, number: '4242424242424241' }],
    ['a past expiry', { ...visa, exp_month: 3, exp_year: 2025 }],
    ['a CVC of 2 digits', { ...visa, cvc: '12' }],
  ])('%s is INVALID_REQUEST_BODY and saves nothing', async (_, card) => {
    await expect(engine.customers.createPaymentMethod('cus_0001', card)).rejects.toMatchObject({ code: 'INVALID_REQUEST_BODY' });
    expect(await engine.customers.listPaymentMethods('cus_0001')).toEqual([]);
  });

  test('a card for an unknown customer is NOT_FOUND', async () => {
    await expect(engine.customers.createPaymentMethod('cus_nope', visa)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('the test switch makes a 4242 method fail with a code, and null makes it succeed again', async () => {
    await engine.customers.createPaymentMethod('cus_0001', visa);
    expect((await engine.customers.setPaymentMethodFailure('pm_0001', 'INSUFFICIENT_FUNDS')).test_failure_code).toBe('INSUFFICIENT_FUNDS');
    expect((await engine.customers.getPaymentMethod('cus_0001', 'pm_0001')).test_failure_code).toBe('INSUFFICIENT_FUNDS');
    await engine.customers.setPaymentMethodFailure('pm_0001', null);
    expect((await engine.customers.getPaymentMethod('cus_0001', 'pm_0001')).test_failure_code).toBeNull();
    await expect(engine.customers.setPaymentMethodFailure('pm_nope', 'CARD_DECLINED')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
