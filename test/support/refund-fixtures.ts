import type { Engine } from '../../src/engine/index.js';
import type { ChargeLine } from '../../src/engine/payments/charge.js';
import type { Payment } from '../../src/engine/payments/types.js';
import { CARD_OK } from './checkout-fixtures.js';

/** A succeeded one-time purchase through checkout: cart of [product_id, quantity], optional discount code. */
export async function buy(engine: Engine, cart: Array<[string, number]>, options: { email?: string; discount_code?: string } = {}): Promise<Payment> {
  const { session_id } = await engine.checkout.create({
    product_cart: cart.map(([product_id, quantity]) => ({ product_id, quantity })),
    customer: { email: options.email ?? 'buyer@example.com', name: 'Buyer' },
    ...(options.discount_code !== undefined && { discount_code: options.discount_code }),
  });
  const { payment } = await engine.checkout.complete(session_id, { card: CARD_OK });
  if (payment.status !== 'succeeded') throw new Error(`the purchase did not succeed: ${payment.status}`);
  return payment;
}

/** A line as a charge takes it, from what a refund reads: item id, amount before tax, tax, prorated or not. */
export interface LineSpec {
  item_id: string;
  amount: number;
  tax: number;
  is_prorated?: boolean;
}

function chargeLine(spec: LineSpec): ChargeLine {
  return {
    item_id: spec.item_id,
    kind: 'product',
    name: `Line ${spec.item_id}`,
    product_id: spec.item_id,
    quantity: 1,
    unit_price: spec.amount,
    discount_percent: 0,
    tax_inclusive: false,
    gross_amount: spec.amount,
    product_discount: 0,
    code_discount: 0,
    discount_amount: 0,
    amount: spec.amount,
    tax: spec.tax,
    total: spec.amount + spec.tax,
    is_prorated: spec.is_prorated ?? false,
    proration_factor: spec.is_prorated ? '0.5' : null,
  };
}

/**
 * A succeeded payment with exactly these lines, charged through engine.payments.charge to a saved 4242 card:
 * the way to get lines no catalogue produces yet (a prorated plan-change line) or random ones (property tests).
 */
export async function chargeLines(engine: Engine, lines: readonly LineSpec[], email = 'lines@example.com'): Promise<Payment> {
  const existing = await engine.customers.findByEmail(email);
  const customer = existing ?? (await engine.customers.create({ email, name: 'Lines' }));
  const method =
    (await engine.customers.listPaymentMethods(customer.customer_id))[0] ??
    (await engine.customers.createPaymentMethod(customer.customer_id, CARD_OK));
  const payment = await engine.payments.charge({
    customer: { customer_id: customer.customer_id, email: customer.email, name: customer.name },
    payment_method: method,
    brand_id: 'brnd_0001',
    currency: 'USD',
    lines: lines.map(chargeLine),
    tax_rate_bps: 0,
    billing: null,
    metadata: {},
    discount_id: null,
  });
  if (payment.status !== 'succeeded') throw new Error(`the charge did not succeed: ${payment.status}`);
  return payment;
}

/** Everything a refund writes, so a refused refund can be shown to have changed nothing. */
export async function refundState(engine: Engine) {
  const db = engine.ctx.db;
  const [refunds, lines, payments, events] = await Promise.all([
    db.selectFrom('refunds').selectAll().orderBy('refund_id').execute(),
    db.selectFrom('payment_line_items').select(['line_id', 'refunded_amount']).orderBy('line_id').execute(),
    db.selectFrom('payments').select(['payment_id', 'refund_status', 'updated_at']).orderBy('payment_id').execute(),
    db.selectFrom('outbox_events').select(['event_id', 'type']).orderBy('sequence').execute(),
  ]);
  return { counts: { refunds: refunds.length, outbox_events: events.length }, refunds, lines, payments, events };
}
