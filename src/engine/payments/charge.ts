import { iso } from '../clock.js';
import type { PaymentMethod } from '../customers/types.js';
import type { PaymentLineItemsTable, PaymentsTable } from '../db/schema.js';
import { recordEvent } from '../events/outbox.js';
import type { Currency } from '../money.js';
import type { PricedLine } from '../pricing/types.js';
import type { Scope } from '../scope.js';
import type { Metadata } from '../shared/metadata.js';
import type { InvoicePeriod } from './invoice-types.js';
import { issueInvoice } from './invoice.js';
import { findPaymentWithLines, insertLineItems, insertPayment, paymentAsWritten, updatePaymentRow } from './repo.js';
import type { BillingAddress, Payment, PaymentCustomer } from './types.js';

/** A priced line as charged; plan-change lines billed for part of a period say so. */
export interface ChargeLine extends PricedLine {
  is_prorated?: boolean | undefined;
  /** Decimal string, e.g. "0.666667". */
  proration_factor?: string | null | undefined;
}

/** Everything one charge needs; the lines are already priced (pricing/price-lines.ts). */
export interface ChargeOrder {
  customer: PaymentCustomer;
  payment_method: PaymentMethod;
  brand_id: string;
  currency: Currency;
  lines: readonly ChargeLine[];
  /** The rate the lines were taxed at, shown on the invoice. */
  tax_rate_bps: number;
  billing: BillingAddress | null;
  metadata: Metadata;
  discount_id: string | null;
  checkout_session_id?: string | null | undefined;
  subscription_id?: string | null | undefined;
  /** Subscription invoices show the period they pay for. */
  period?: InvoicePeriod | null | undefined;
  /** An id allocated beforehand, when something written before the charge must name it (a wallet ledger entry). */
  payment_id?: string | undefined;
  /**
   * Runs once the payment holds its outcome and before its payment.succeeded|failed event, so a caller's
   * own change and events come first where SPEC §4 orders them so (subscription.active, payment.succeeded).
   */
  beforeOutcomeEvent?: ((payment: Payment) => Promise<void>) | undefined;
}

/**
 * One charge, inside the caller's transaction (`tx`): the payment is written `processing` with its lines
 * and a `payment.processing` event, the processor (`tx.deps.processor`) is asked, and the payment ends
 * `succeeded` (invoice issued, `payment.succeeded`, then the license keys it buys with
 * `license_key.created`, through `tx.licenses`) or `failed` (error_code and message kept,
 * `payment.failed`). Totals are the sums of the lines: subtotal = Σ amount, tax = Σ tax, total_amount =
 * subtotal + tax. A failed charge is an outcome, not an error: it commits, so the attempt and its event
 * are on record.
 */
export async function chargeOrder(tx: Scope, order: ChargeOrder): Promise<Payment> {
  if (!tx.db.isTransaction) throw new Error('chargeOrder must run inside the transaction that records the charge');
  const now = tx.clock.now();
  const payment_id = order.payment_id ?? tx.ids.next('payment');
  const subtotal = order.lines.reduce((sum, l) => sum + l.amount, 0);
  const tax = order.lines.reduce((sum, l) => sum + l.tax, 0);
  const method = order.payment_method;
  const row: PaymentsTable = {
    payment_id,
    business_id: tx.businessId,
    brand_id: order.brand_id,
    customer_id: order.customer.customer_id,
    currency: order.currency,
    subtotal,
    tax,
    total_amount: subtotal + tax,
    status: 'processing',
    error_code: null,
    error_message: null,
    payment_method_id: method.payment_method_id,
    payment_method_type: method.type,
    card_last_four: method.card.last4,
    card_network: method.card.brand,
    subscription_id: order.subscription_id ?? null,
    checkout_session_id: order.checkout_session_id ?? null,
    discount_id: order.discount_id,
    invoice_id: null,
    refund_status: null,
    billing: order.billing === null ? null : JSON.stringify(order.billing),
    metadata: JSON.stringify(order.metadata),
    created_at: now,
    updated_at: now,
  };
  const lineRows = order.lines.map((line, position): PaymentLineItemsTable => ({
    line_id: tx.ids.next('paymentLineItem'),
    payment_id,
    position,
    item_id: line.item_id,
    kind: line.kind,
    name: line.name,
    quantity: line.quantity,
    unit_price: line.unit_price,
    gross_amount: line.gross_amount,
    discount_amount: line.discount_amount,
    amount: line.amount,
    tax: line.tax,
    is_prorated: line.is_prorated ? 1 : 0,
    proration_factor: line.proration_factor ?? null,
    refunded_amount: 0,
  }));
  await insertPayment(tx.db, row);
  await insertLineItems(tx.db, lineRows);
  // The payment as written (with its customer's name and email); its later states are that one plus the
  // fields each step writes, so every event still carries the payment as it stands.
  const buyer = await tx.customers.find(row.customer_id);
  if (!buyer) throw new Error(`payment ${payment_id} names customer ${row.customer_id}, which does not exist`);
  const processing = paymentAsWritten(row, lineRows, buyer);
  await record(tx, 'payment.processing', processing.payment);

  const result = await tx.deps.processor.charge({
    amount: subtotal + tax,
    currency: order.currency,
    payment_method: {
      payment_method_id: method.payment_method_id,
      type: method.type,
      card_brand: method.card.brand,
      card_last4: method.card.last4,
      card_exp_month: method.card.exp_month,
      card_exp_year: method.card.exp_year,
      test_failure_code: method.test_failure_code,
    },
  });
  if (result.status === 'failed') {
    const failedAt = tx.clock.now();
    const changes = { status: 'failed', error_code: result.error_code, error_message: result.error_message } as const;
    await updatePaymentRow(tx.db, payment_id, { ...changes, updated_at: failedAt });
    const failed: Payment = { ...processing.payment, ...changes, updated_at: iso(failedAt) };
    return record(tx, 'payment.failed', await outcomeAfterHook(tx, order, failed));
  }
  const paid: Payment = { ...processing.payment, status: 'succeeded' };
  const invoice = await issueInvoice(tx, paid, processing.lines, order.tax_rate_bps, order.period ?? null);
  // Succeeded and invoiced in one write, as of the invoice's issue.
  const paidAt = Date.parse(invoice.issued_at);
  await updatePaymentRow(tx.db, payment_id, { status: 'succeeded', invoice_id: invoice.invoice_id, updated_at: paidAt });
  const invoiced: Payment = { ...paid, invoice_id: invoice.invoice_id, updated_at: invoice.issued_at };
  const succeeded = await record(tx, 'payment.succeeded', await outcomeAfterHook(tx, order, invoiced));
  // SPEC §2.10: keys for license-enabled lines, after payment.succeeded; a subscription's only on its first.
  await tx.licenses.issueFor(succeeded, order.lines);
  return succeeded;
}

/** The caller's beforeOutcomeEvent runs with the payment's outcome; it may write, so the payment is read again. */
async function outcomeAfterHook(tx: Scope, order: ChargeOrder, payment: Payment): Promise<Payment> {
  if (!order.beforeOutcomeEvent) return payment;
  await order.beforeOutcomeEvent(payment);
  const found = await findPaymentWithLines(tx.db, tx.businessId, payment.payment_id);
  if (!found) throw new Error(`payment ${payment.payment_id} vanished inside its own transaction`);
  return found.payment;
}

/** Records the event with the payment as it stands now (SPEC §4 payload shape) and returns that payment. */
async function record(tx: Scope, type: 'payment.processing' | 'payment.succeeded' | 'payment.failed', payment: Payment): Promise<Payment> {
  await recordEvent(tx, { type, objectId: payment.payment_id, payload: { payload_type: 'Payment', ...payment } });
  return payment;
}
