// Rule under test: SPEC §2.9 refund checks, in order, first failure wins — each code reached by the smallest
// case that triggers it, then pairs of violations showing which check comes first, and every refused refund
// leaves refunds, lines, payments and the outbox exactly as they were.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError, type ErrorCode } from '../../../src/engine/errors.js';
import { insertRefund } from '../../../src/engine/refunds/repo.js';
import type { NewRefund } from '../../../src/engine/refunds/types.js';
import { CARD_DECLINED, oneTime } from '../../support/checkout-fixtures.js';
import { buy, chargeLines, refundState } from '../../support/refund-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

const DAY = 24 * 60 * 60 * 1000;

/** A $19 guide bought once: pay_0001 with one line pdt_0001 paid 1900. */
async function guidePayment() {
  const guide = await oneTime(engine, { price: 1900 });
  const payment = await buy(engine, [[guide.product_id, 1]]);
  return { guide, payment };
}

/** A guide (pdt_0001, 1900) and a workbook (pdt_0002, 900) in one payment of 2800. */
async function twoLinePayment() {
  const guide = await oneTime(engine, { name: 'Guide', price: 1900 });
  const workbook = await oneTime(engine, { name: 'Workbook', price: 900 });
  const payment = await buy(engine, [
    [guide.product_id, 1],
    [workbook.product_id, 1],
  ]);
  return { guide, workbook, payment };
}

/**
 * A refund row written straight into the table, bypassing create(): the only way to have a refund still
 * `pending` (test mode refunds succeed inside the transaction that creates them), or a refund whose lines'
 * bookkeeping was never updated.
 */
async function storeRefund(paymentId: string, status: 'pending' | 'succeeded', amount: number) {
  await insertRefund(engine.ctx.db, {
    refund_id: `ref_stored_${status}`,
    business_id: engine.ctx.businessId,
    brand_id: 'brnd_0001',
    payment_id: paymentId,
    customer_id: 'cus_0001',
    amount,
    currency: 'USD',
    is_partial: 1,
    reason: null,
    status,
    items: '[]',
    metadata: '{}',
    created_at: engine.clock.now(),
  });
}

async function refusal(request: NewRefund): Promise<BillingError> {
  const before = await refundState(engine);
  const error = await engine.refunds.create(request).catch((e: unknown) => e);
  if (!(error instanceof BillingError)) throw new Error(`expected a BillingError, got ${String(error)}`);
  expect(await refundState(engine)).toEqual(before);
  return error;
}

interface Case {
  code: ErrorCode;
  /** Builds the smallest state that breaks this one rule and returns the refund request. */
  arrange: () => Promise<NewRefund>;
  message?: string;
}

const CASES: Case[] = [
  { code: 'NOT_FOUND', arrange: async () => ({ payment_id: 'pay_nope' }) },
  {
    code: 'PAYMENT_NOT_SUCCEEDED',
    arrange: async () => {
      const guide = await oneTime(engine);
      const { session_id } = await engine.checkout.create({
        product_cart: [{ product_id: guide.product_id, quantity: 1 }],
        customer: { email: 'dee@example.com', name: 'Dee' },
      });
      const { payment } = await engine.checkout.complete(session_id, { card: CARD_DECLINED });
      return { payment_id: payment.payment_id };
    },
    message: 'The provided payment has not succeeded: payment pay_0001 is failed',
  },
  {
    code: 'ZERO_AMOUNT_PAYMENT_REFUND_NOT_ALLOWED',
    arrange: async () => {
      const guide = await oneTime(engine);
      await engine.discounts.create({ code: 'FREE100', type: 'percentage', amount: 10_000 });
      const payment = await buy(engine, [[guide.product_id, 1]], { discount_code: 'FREE100' });
      return { payment_id: payment.payment_id };
    },
  },
  {
    code: 'REFUND_WINDOW_EXPIRED',
    arrange: async () => {
      const { payment } = await guidePayment();
      engine.clock.advance(30 * DAY + 1);
      return { payment_id: payment.payment_id };
    },
    message: 'Refunds cannot be initiated 30 days after payment creation: payment pay_0001 was made at 2025-04-01T00:00:00.000Z, 30 days ago',
  },
  {
    code: 'EXISTING_REFUND_REQUEST_PROCESSING',
    arrange: async () => {
      const { payment } = await guidePayment();
      await storeRefund(payment.payment_id, 'pending', 500);
      return { payment_id: payment.payment_id };
    },
    message: 'A refund request with status "pending" is still being processed: ref_stored_pending on payment pay_0001',
  },
  {
    code: 'PAYMENT_ALREADY_REFUNDED',
    arrange: async () => {
      const { payment } = await guidePayment();
      await engine.refunds.create({ payment_id: payment.payment_id });
      return { payment_id: payment.payment_id };
    },
  },
  {
    code: 'DUPLICATE_LINE_ITEMS_IN_REQUEST',
    arrange: async () => {
      const { guide, payment } = await guidePayment();
      return {
        payment_id: payment.payment_id,
        items: [
          { item_id: guide.product_id, amount: 100 },
          { item_id: guide.product_id, amount: 100 },
        ],
      };
    },
  },
  {
    code: 'LINE_ITEM_NOT_FOUND',
    arrange: async () => {
      const { payment } = await guidePayment();
      return { payment_id: payment.payment_id, items: [{ item_id: 'pdt_nope' }] };
    },
    message: 'Line item pdt_nope not found in payment pay_0001',
  },
  {
    code: 'LINE_ITEM_PRORATED',
    arrange: async () => {
      const payment = await chargeLines(engine, [{ item_id: 'pdt_pro', amount: 1500, tax: 0, is_prorated: true }]);
      return { payment_id: payment.payment_id, items: [{ item_id: 'pdt_pro' }] };
    },
  },
  {
    code: 'LINE_ITEM_FULLY_REFUNDED',
    arrange: async () => {
      const { guide, payment } = await twoLinePayment();
      await engine.refunds.create({ payment_id: payment.payment_id, items: [{ item_id: guide.product_id }] });
      return { payment_id: payment.payment_id, items: [{ item_id: guide.product_id, amount: 1 }] };
    },
    message: 'Line item pdt_0001 has been fully refunded and cannot be refunded further',
  },
  {
    code: 'LINE_ITEM_REFUND_AMOUNT_TOO_HIGH',
    arrange: async () => {
      const { guide, payment } = await guidePayment();
      return { payment_id: payment.payment_id, items: [{ item_id: guide.product_id, amount: 1901 }] };
    },
    message: 'Line item pdt_0001 requested refund amount including tax is 1901 which is above the paid amount 1900',
  },
  {
    code: 'LINE_ITEM_REFUND_AMOUNT_TOO_LOW',
    arrange: async () => {
      const { guide, payment } = await guidePayment();
      return { payment_id: payment.payment_id, items: [{ item_id: guide.product_id, amount: 0 }] };
    },
    message: 'Line item pdt_0001 requested refund amount is 0 which is too low',
  },
  {
    // Unreachable while the lines and the refund records agree (the lines sum to the payment's total);
    // reached here by a refund of 1500 recorded without its line bookkeeping: 1500 + 1000 > 1900.
    code: 'REFUND_AMOUNT_EXCEEDS_PAID_AMOUNT',
    arrange: async () => {
      const { guide, payment } = await guidePayment();
      await storeRefund(payment.payment_id, 'succeeded', 1500);
      return { payment_id: payment.payment_id, items: [{ item_id: guide.product_id, amount: 1000 }] };
    },
  },
];

describe('SPEC §2.9: each check, reached by the smallest case that breaks it', () => {
  test.each(CASES)('$code', async ({ code, arrange, message }) => {
    const request = await arrange();
    const error = await refusal(request);
    expect(error.code).toBe(code);
    if (message !== undefined) expect(error.message).toBe(message);
    expect(error.nextStep).toBeTruthy();
  });

  test('every §2.9 code is in the table', () => {
    expect(CASES.map((c) => c.code)).toEqual([
      'NOT_FOUND',
      'PAYMENT_NOT_SUCCEEDED',
      'ZERO_AMOUNT_PAYMENT_REFUND_NOT_ALLOWED',
      'REFUND_WINDOW_EXPIRED',
      'EXISTING_REFUND_REQUEST_PROCESSING',
      'PAYMENT_ALREADY_REFUNDED',
      'DUPLICATE_LINE_ITEMS_IN_REQUEST',
      'LINE_ITEM_NOT_FOUND',
      'LINE_ITEM_PRORATED',
      'LINE_ITEM_FULLY_REFUNDED',
      'LINE_ITEM_REFUND_AMOUNT_TOO_HIGH',
      'LINE_ITEM_REFUND_AMOUNT_TOO_LOW',
      'REFUND_AMOUNT_EXCEEDS_PAID_AMOUNT',
    ]);
  });
});

describe('SPEC §2.9: the first failure wins', () => {
  test('not succeeded beats an expired window', async () => {
    const guide = await oneTime(engine);
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: guide.product_id, quantity: 1 }],
      customer: { email: 'd@example.com', name: 'D' },
    });
    const { payment } = await engine.checkout.complete(session_id, { card: CARD_DECLINED });
    engine.clock.advance(31 * DAY);
    expect((await refusal({ payment_id: payment.payment_id })).code).toBe('PAYMENT_NOT_SUCCEEDED');
  });

  test('a zero total beats an expired window', async () => {
    const guide = await oneTime(engine);
    await engine.discounts.create({ code: 'FREE100', type: 'percentage', amount: 10_000 });
    const payment = await buy(engine, [[guide.product_id, 1]], { discount_code: 'FREE100' });
    engine.clock.advance(31 * DAY);
    expect((await refusal({ payment_id: payment.payment_id })).code).toBe('ZERO_AMOUNT_PAYMENT_REFUND_NOT_ALLOWED');
  });

  test('an expired window beats a pending refund', async () => {
    const { payment } = await guidePayment();
    await storeRefund(payment.payment_id, 'pending', 500);
    engine.clock.advance(31 * DAY);
    expect((await refusal({ payment_id: payment.payment_id })).code).toBe('REFUND_WINDOW_EXPIRED');
  });

  test('a pending refund beats a fully refunded payment', async () => {
    const { payment } = await guidePayment();
    await engine.refunds.create({ payment_id: payment.payment_id });
    await storeRefund(payment.payment_id, 'pending', 1);
    expect((await refusal({ payment_id: payment.payment_id })).code).toBe('EXISTING_REFUND_REQUEST_PROCESSING');
  });

  test('a fully refunded payment beats bad items', async () => {
    const { payment } = await guidePayment();
    await engine.refunds.create({ payment_id: payment.payment_id });
    const error = await refusal({ payment_id: payment.payment_id, items: [{ item_id: 'pdt_nope' }, { item_id: 'pdt_nope' }] });
    expect(error.code).toBe('PAYMENT_ALREADY_REFUNDED');
  });

  test('a duplicate anywhere in items beats an unknown line before it', async () => {
    const { guide, payment } = await guidePayment();
    const error = await refusal({
      payment_id: payment.payment_id,
      items: [{ item_id: 'pdt_nope' }, { item_id: guide.product_id }, { item_id: guide.product_id }],
    });
    expect(error.code).toBe('DUPLICATE_LINE_ITEMS_IN_REQUEST');
  });

  test('items are checked in request order: a too-high first item beats an unknown second one', async () => {
    const { guide, payment } = await guidePayment();
    const error = await refusal({ payment_id: payment.payment_id, items: [{ item_id: guide.product_id, amount: 5000 }, { item_id: 'pdt_nope' }] });
    expect(error.code).toBe('LINE_ITEM_REFUND_AMOUNT_TOO_HIGH');
  });

  test('a fully refunded line beats a too-high amount on it', async () => {
    const { guide, payment } = await twoLinePayment();
    await engine.refunds.create({ payment_id: payment.payment_id, items: [{ item_id: guide.product_id }] });
    const error = await refusal({ payment_id: payment.payment_id, items: [{ item_id: guide.product_id, amount: 99_999 }] });
    expect(error.code).toBe('LINE_ITEM_FULLY_REFUNDED');
  });

  test('line checks come before the payment total (step 6 before 7)', async () => {
    const { guide, payment } = await guidePayment();
    await storeRefund(payment.payment_id, 'succeeded', 1500);
    const error = await refusal({ payment_id: payment.payment_id, items: [{ item_id: guide.product_id, amount: 1901 }] });
    expect(error.code).toBe('LINE_ITEM_REFUND_AMOUNT_TOO_HIGH');
  });
});

describe('SPEC §2.9 edges', () => {
  test('the window is inclusive: exactly 30 days after the payment a refund still succeeds', async () => {
    const { payment } = await guidePayment();
    engine.clock.advance(30 * DAY);
    expect(await engine.refunds.create({ payment_id: payment.payment_id })).toMatchObject({ status: 'succeeded', amount: 1900 });
  });

  test('a failed earlier refund does not block or count: the whole payment can still be refunded', async () => {
    const { payment } = await guidePayment();
    await insertRefund(engine.ctx.db, {
      refund_id: 'ref_failed',
      business_id: engine.ctx.businessId,
      brand_id: 'brnd_0001',
      payment_id: payment.payment_id,
      customer_id: 'cus_0001',
      amount: 1900,
      currency: 'USD',
      is_partial: 0,
      reason: null,
      status: 'failed',
      items: '[]',
      metadata: '{}',
      created_at: engine.clock.now(),
    });
    expect(await engine.refunds.create({ payment_id: payment.payment_id })).toMatchObject({ amount: 1900, is_partial: false });
  });

  test('a negative amount is too low; a fractional one is not minor units', async () => {
    const { guide, payment } = await guidePayment();
    expect((await refusal({ payment_id: payment.payment_id, items: [{ item_id: guide.product_id, amount: -5 }] })).code).toBe(
      'LINE_ITEM_REFUND_AMOUNT_TOO_LOW',
    );
    expect((await refusal({ payment_id: payment.payment_id, items: [{ item_id: guide.product_id, amount: 1.5 }] })).code).toBe(
      'INVALID_REQUEST_BODY',
    );
  });

  test('shape before rules: empty items, a reason over 3000 characters, 51 metadata keys', async () => {
    const { payment } = await guidePayment();
    const id = payment.payment_id;
    expect((await refusal({ payment_id: id, items: [] })).code).toBe('INVALID_REQUEST_BODY');
    expect((await refusal({ payment_id: id, reason: 'x'.repeat(3001) })).code).toBe('INVALID_REQUEST_BODY');
    const metadata = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect((await refusal({ payment_id: id, metadata })).code).toBe('MAXIMUM_KEYS_REACHED');
    // Shape errors come first even for a payment that does not exist.
    expect((await refusal({ payment_id: 'pay_nope', items: [] })).code).toBe('INVALID_REQUEST_BODY');
    expect(await engine.refunds.create({ payment_id: id, reason: 'x'.repeat(3000) })).toMatchObject({ status: 'succeeded' });
  });
});
