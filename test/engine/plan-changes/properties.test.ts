// Rule under test: for random plans, quantities, seats, change instants and modes, a plan change neither
// creates nor loses money — charge − credit is Σ round(item × f) of the new plan less Σ round(item × f) of the
// current one when prorated (D2, line by line, f to six decimals), new − old for the difference (D3), the new price in full (and
// on an interval change the old side alone is prorated, K) — every line reads quantity × unit_price ×
// factor, the lines sum to charge − credit, the payment holds the preview's lines, and the preview states
// exactly what the change then charges, also with tax, wallet credit and a discount code (D4).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PRORATION_BILLING_MODES, type ProrationBillingMode } from '../../../src/engine/rules/plan-change-modes.js';
import type { Interval } from '../../../src/engine/products/types.js';
import { CARD_OK } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

const APR1 = Date.parse('2025-04-01T00:00:00Z');
const MAY1 = Date.parse('2025-05-01T00:00:00Z');
const PERIOD_SECONDS = (MAY1 - APR1) / 1000;

/** a × b ÷ c half up, written independently of the engine's money helpers. */
function roundedShare(a: number, b: number, c: number): number {
  return Number((2n * BigInt(a) * BigInt(b) + BigInt(c)) / (2n * BigInt(c)));
}

/** amount = quantity × unit_price × proration_factor, half up (away from zero on a credit line). */
function explains(line: { quantity: number; unit_price: number; proration_factor: string | null; amount: number }): boolean {
  const [whole = '1', fraction = ''] = (line.proration_factor ?? '1').split('.');
  const millionths = BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
  const exact = BigInt(Math.abs(line.quantity * line.unit_price)) * millionths;
  const rounded = Number((exact * 2n + 1_000_000n) / 2_000_000n);
  return Math.abs(line.amount) === rounded && (line.amount === 0 || Math.sign(line.amount) === Math.sign(line.unit_price));
}

interface Scenario {
  fromPrice: number;
  toPrice: number;
  seatPrice: number;
  fromQuantity: number;
  toQuantity: number;
  fromSeats: number;
  toSeats: number;
  toInterval: Interval;
  secondsIn: number;
  mode: ProrationBillingMode;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  fromPrice: fc.integer({ min: 100, max: 50_000 }),
  toPrice: fc.integer({ min: 100, max: 50_000 }),
  seatPrice: fc.integer({ min: 0, max: 3_000 }),
  fromQuantity: fc.integer({ min: 1, max: 4 }),
  toQuantity: fc.integer({ min: 1, max: 4 }),
  fromSeats: fc.integer({ min: 0, max: 3 }),
  toSeats: fc.integer({ min: 0, max: 3 }),
  toInterval: fc.constantFrom<Interval>('Month', 'Month', 'Month', 'Year'),
  secondsIn: fc.integer({ min: 0, max: PERIOD_SECONDS - 1 }),
  mode: fc.constantFrom(...PRORATION_BILLING_MODES),
});

/** Subscribes on 04-01 to the "from" plan and moves the clock `secondsIn` into the period. */
async function arrange(s: Scenario): Promise<{ engine: TestEngine; subscriptionId: string; customerId: string; toProductId: string; seat: string }> {
  const engine = await createTestEngine('2025-04-01T00:00:00.000Z');
  const seat = (await engine.addons.create({ name: 'Seat', price: s.seatPrice, currency: 'USD', tax_category: 'saas' })).addon_id;
  const plan = (name: string, price: number, interval: Interval) =>
    engine.products.create({
      name,
      tax_category: 'saas',
      addons: [seat],
      price: { type: 'recurring_price', currency: 'USD', price, payment_frequency_count: 1, payment_frequency_interval: interval },
    });
  const from = await plan('From', s.fromPrice, 'Month');
  const to = await plan('To', s.toPrice, s.toInterval);
  const customer = await engine.customers.create({ email: 'p@example.com', name: 'P' });
  const method = await engine.customers.createPaymentMethod(customer.customer_id, CARD_OK);
  const { subscription } = await engine.subscriptions.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_id: from.product_id,
    quantity: s.fromQuantity,
    addons: s.fromSeats > 0 ? [{ addon_id: seat, quantity: s.fromSeats }] : [],
  });
  await engine.testClock.advance({ to: new Date(APR1 + s.secondsIn * 1000).toISOString() });
  return { engine, subscriptionId: subscription.subscription_id, customerId: customer.customer_id, toProductId: to.product_id, seat };
}

function requestOf(s: Scenario, toProductId: string, seat: string) {
  return {
    product_id: toProductId,
    quantity: s.toQuantity,
    addons: s.toSeats > 0 ? [{ addon_id: seat, quantity: s.toSeats }] : [],
    proration_billing_mode: s.mode,
  };
}

/** charge − credit the rules of SPEC §2.4 / §3 give for a scenario. */
function expectedNet(s: Scenario): { net: number; resets: boolean } {
  const oldTotal = s.fromPrice * s.fromQuantity + s.seatPrice * s.fromSeats;
  const newTotal = s.toPrice * s.toQuantity + s.seatPrice * s.toSeats;
  const remaining = PERIOD_SECONDS - s.secondsIn;
  const intervalChanges = s.toInterval !== 'Month';
  switch (s.mode) {
    case 'do_not_bill':
      return { net: 0, resets: false };
    case 'full_immediately':
      return { net: newTotal, resets: true };
    case 'difference_immediately':
      return { net: newTotal - oldTotal, resets: intervalChanges };
    case 'prorated_immediately': {
      // f in seconds, stated to six decimals; the stated factor bills.
      const millionths = roundedShare(remaining, 1_000_000, PERIOD_SECONDS);
      const share = (amount: number) => roundedShare(amount, millionths, 1_000_000);
      const newSide = intervalChanges ? newTotal : share(s.toPrice * s.toQuantity) + share(s.seatPrice * s.toSeats);
      return { net: newSide - share(s.fromPrice * s.fromQuantity) - share(s.seatPrice * s.fromSeats), resets: intervalChanges };
    }
  }
}

describe('money is neither created nor lost', () => {
  test('charge − credit follows the mode; lines sum to the charge; the credit lands on the subscription', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { engine, subscriptionId, toProductId, seat } = await arrange(s);
        try {
          const body = requestOf(s, toProductId, seat);
          const preview = await engine.planChanges.preview(subscriptionId, body);
          const result = await engine.planChanges.change(subscriptionId, body);
          const { net, resets } = expectedNet(s);
          const charged = result.amount_charged;
          expect(charged > 0 && result.credit_added > 0).toBe(false);
          expect(charged - result.credit_added).toBe(net);
          expect(preview.immediate_charge.summary.total_amount).toBe(charged);
          expect(preview.credit_amount).toBe(result.credit_added);
          expect(preview.immediate_charge.line_items.reduce((sum, l) => sum + l.amount, 0)).toBe(net);
          expect(preview.immediate_charge.line_items.filter((l) => !explains(l))).toEqual([]);
          expect(result.line_items).toEqual(preview.immediate_charge.line_items);
          expect(result.subscription.credit_balance).toBe(result.credit_added);
          if (result.payment_id !== null) {
            const lines = await engine.payments.lineItems(result.payment_id);
            expect(lines.items.reduce((sum, l) => sum + l.amount + l.tax, 0)).toBe(charged);
            expect(lines.items.map((l) => [l.item_id, l.name, l.quantity, l.unit_price, l.proration_factor, l.gross_amount])).toEqual(
              result.line_items.map((l) => [l.id, l.name, l.quantity, l.unit_price, l.proration_factor, l.amount]),
            );
          } else {
            expect(charged).toBe(0);
          }
          const now = engine.clock.now();
          expect(result.subscription.previous_billing_date).toBe(new Date(resets ? now : APR1).toISOString());
        } finally {
          await engine.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the preview equals the change', () => {
  test('with tax, wallet credit and a new 25 % code, preview and payment agree line by line', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenario,
        fc.integer({ min: 0, max: 2_500 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.boolean(),
        async (s, taxRateBps, wallet, withCode) => {
          const { engine, subscriptionId, customerId, toProductId, seat } = await arrange(s);
          try {
            await engine.settings.update({ default_tax_rate_bps: taxRateBps });
            if (wallet > 0) await engine.wallets.createLedgerEntry(customerId, { amount: wallet, currency: 'USD', entry_type: 'credit' });
            if (withCode) await engine.discounts.create({ code: 'QUARTER', type: 'percentage', amount: 2500 });
            const body = { ...requestOf(s, toProductId, seat), ...(withCode && { discount_code: 'QUARTER' }) };
            const preview = await engine.planChanges.preview(subscriptionId, body);
            const result = await engine.planChanges.change(subscriptionId, body);
            const summary = preview.immediate_charge.summary;
            expect(result.amount_charged).toBe(summary.total_amount);
            const balance = (await engine.wallets.list(customerId)).items.find((w) => w.currency === 'USD')?.balance ?? 0;
            expect(balance).toBe(wallet - summary.wallet_credit_used);
            if (result.payment_id !== null) {
              const payment = await engine.payments.get(result.payment_id);
              const lines = await engine.payments.lineItems(result.payment_id);
              expect([payment.total_amount, payment.tax]).toEqual([summary.total_amount, summary.tax]);
              expect(lines.items.map((l) => l.amount + l.tax)).toEqual(preview.immediate_charge.line_items.map((l) => l.total));
              // What the customer owes before credits = what the card pays + the credits used.
              const owed = preview.immediate_charge.line_items.reduce((sum, l) => sum + l.amount - l.discount_amount, 0) + summary.customer_credits;
              expect(owed).toBe(summary.subtotal - summary.code_discount);
            }
            const { scheduled_change: _a, ...planned } = preview.new_plan;
            const { scheduled_change: _b, ...actual } = result.subscription;
            expect(actual).toEqual(planned);
          } finally {
            await engine.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
