// Rule under test: SPEC §2.2 through the engine — for random one-time carts, product discounts, codes and tax
// rates, a charged payment's totals equal the sums of its lines, no line is negative, inclusive lines charge
// exactly their discounted price, and the invoice lines add up to the payment total.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import type { Product } from '../../../src/engine/products/types.js';
import { CARD_OK, oneTime } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
let products: Product[];
let customerId: string;
let methodId: string;
beforeAll(async () => {
  engine = await createTestEngine();
  products = [];
  for (const [index, spec] of [
    { price: 1999, discount: 0, tax_inclusive: false },
    { price: 999, discount: 15, tax_inclusive: true },
    { price: 50_000, discount: 33, tax_inclusive: false },
    { price: 75, discount: 100, tax_inclusive: true },
    { price: 12_345, discount: 5, tax_inclusive: true },
  ].entries()) {
    products.push(await oneTime(engine, { name: `P${index}`, ...spec }));
  }
  await engine.discounts.create({ code: 'PCT', type: 'percentage', amount: 1234 });
  await engine.discounts.create({ code: 'FLAT', type: 'flat', amount: 700 });
  await engine.discounts.create({ code: 'ONLY0', type: 'percentage', amount: 5000, restricted_to: [products[0]?.product_id ?? ''] });
  const customer = await engine.customers.create({ email: 'prop@example.com', name: 'Prop' });
  customerId = customer.customer_id;
  methodId = (await engine.customers.createPaymentMethod(customerId, CARD_OK)).payment_method_id;
});
afterAll(async () => {
  await engine.close();
});

const cartArb = fc.record({
  picks: fc.uniqueArray(fc.record({ index: fc.integer({ min: 0, max: 4 }), quantity: fc.integer({ min: 1, max: 9 }) }), {
    minLength: 1,
    maxLength: 5,
    selector: (p) => p.index,
  }),
  code: fc.constantFrom(undefined, 'PCT', 'FLAT', 'ONLY0'),
  rate: fc.integer({ min: 0, max: 3000 }),
});

describe('SPEC §2.2 invariants of charged payments', () => {
  test('totals = Σ lines, no negative line, inclusive = discounted price, invoice adds up', async () => {
    let charged = 0;
    await fc.assert(
      fc.asyncProperty(cartArb, async ({ picks, code, rate }) => {
        await engine.settings.update({ default_tax_rate_bps: rate });
        const cart = picks.map((p) => ({ product_id: (products[p.index] as Product).product_id, quantity: p.quantity }));
        const outcome = await engine.payments
          .create({ customer_id: customerId, payment_method_id: methodId, product_cart: cart, discount_code: code })
          .then(
            (payment) => ({ payment, error: null }),
            (error: unknown) => ({ payment: null, error }),
          );
        // Tiny totals (1–49) and a code for a product not in the cart are refused by rule; nothing else may fail.
        if (outcome.payment === null) {
          if (!(outcome.error instanceof BillingError)) throw outcome.error;
          expect(['TOTAL_PAYMENT_AMOUNT_BELOW_MINIMUM_AMOUNT', 'DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT', 'INVALID_DISCOUNT_CODE']).toContain(
            outcome.error.code,
          );
          return;
        }
        const payment = outcome.payment;
        charged += 1;
        const { items } = await engine.payments.lineItems(payment.payment_id);
        expect(payment.subtotal).toBe(items.reduce((s, l) => s + l.amount, 0));
        expect(payment.tax).toBe(items.reduce((s, l) => s + l.tax, 0));
        expect(payment.total_amount).toBe(payment.subtotal + payment.tax);
        for (const line of items) {
          for (const value of [line.gross_amount, line.discount_amount, line.amount, line.tax]) expect(value).toBeGreaterThanOrEqual(0);
          const product = products.find((p) => p.product_id === line.item_id) as Product;
          if (product.price.tax_inclusive) expect(line.amount + line.tax).toBe(line.gross_amount - line.discount_amount);
          else expect(line.amount).toBe(line.gross_amount - line.discount_amount);
        }
        expect(payment.status).toBe('succeeded');
        const invoice = await engine.payments.invoice(payment.payment_id);
        expect(invoice.lines.reduce((s, l) => s + l.total, 0)).toBe(payment.total_amount);
      }),
      { numRuns: 40 },
    );
    expect(charged).toBeGreaterThan(20);
  });
});
