import { BillingError, notFound } from '../errors.js';
import { priceCart } from '../pricing/price-lines.js';
import { checkBillingAddress } from '../rules/billing-address.js';
import { pricingLinesOf } from '../rules/cart-pricing.js';
import { checkCart } from '../rules/cart.js';
import { assertChargeableTotal } from '../rules/minimum-charge.js';
import type { Scope } from '../scope.js';
import { parseInstant } from '../shared/instants.js';
import { checkMetadata } from '../shared/metadata.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { type ChargeOrder, chargeOrder } from './charge.js';
import type { Invoice } from './invoice-types.js';
import {
  findInvoiceByPayment,
  findPayment,
  findPaymentWithLines,
  listPayments,
  type PaymentQuery,
  setLineRefundedAmount,
  setPaymentRefundStatus,
  type StoredLineItem,
} from './repo.js';
import type { NewPayment, Payment, PaymentFilter, PaymentLineItems, RefundStatus } from './types.js';

/** Payments (SPEC §1.9): reading them, their lines and invoices, and one-time charges to saved methods. */
export class PaymentService {
  constructor(private readonly scope: Scope) {}

  async get(paymentId: string): Promise<Payment> {
    const payment = await this.find(paymentId);
    if (!payment) throw notFound('payment', paymentId, 'list_payments');
    return payment;
  }

  /** The payment, or undefined when the business has no such id. */
  find(paymentId: string): Promise<Payment | undefined> {
    return findPayment(this.scope.db, this.scope.businessId, paymentId);
  }

  /** The payment and its stored lines in position order (what a refund checks), or undefined. */
  withLines(paymentId: string): Promise<{ payment: Payment; lines: StoredLineItem[] } | undefined> {
    return findPaymentWithLines(this.scope.db, this.scope.businessId, paymentId);
  }

  /** The invoice of a succeeded payment, or undefined when it has none. */
  findInvoice(paymentId: string): Promise<Invoice | undefined> {
    return findInvoiceByPayment(this.scope.db, this.scope.businessId, paymentId);
  }

  /** Newest first. created_at_gte / created_at_lte are inclusive ISO-8601 instants. */
  async list(filter: PaymentFilter = {}, page?: PageRequest): Promise<Page<Payment>> {
    const query: PaymentQuery = {
      customer_id: filter.customer_id,
      status: filter.status,
      subscription_id: filter.subscription_id,
      brand_id: filter.brand_id,
      created_from: filter.created_at_gte === undefined ? undefined : parseInstant('created_at_gte', filter.created_at_gte),
      created_to: filter.created_at_lte === undefined ? undefined : parseInstant('created_at_lte', filter.created_at_lte),
    };
    const window = pageWindow(page);
    return toPage(window, await listPayments(this.scope.db, this.scope.businessId, query, window));
  }

  /** The billed lines in order, with what has been refunded of each (tax included). */
  async lineItems(paymentId: string): Promise<PaymentLineItems> {
    const found = await this.withLines(paymentId);
    if (!found) throw notFound('payment', paymentId, 'list_payments');
    return {
      payment_id: paymentId,
      currency: found.payment.currency,
      items: found.lines.map(({ line_id: _id, position: _position, ...item }) => item),
    };
  }

  /** The invoice of a succeeded payment; a payment that did not succeed has none (SPEC §1.12). */
  async invoice(paymentId: string): Promise<Invoice> {
    const payment = await this.get(paymentId);
    const invoice = await this.findInvoice(paymentId);
    if (!invoice) {
      throw new BillingError(
        'NOT_FOUND',
        `payment ${paymentId} has no invoice: invoices are issued for succeeded payments only, and this one is ${payment.status}`,
        payment.status === 'failed'
          ? `pay again (complete_checkout_session with another card, or create_payment); get_payment ${paymentId} shows error_code ${payment.error_code ?? ''}`.trim()
          : 'wait until the payment succeeds',
      );
    }
    return invoice;
  }

  /**
   * A one-time purchase charged at once to a customer's saved method (seed 003 cross-sell). One-time
   * products only; the cart follows SPEC §2.1 rules 1–5 (a pay-what-you-want amount is required, as the
   * charge happens now), an optional discount code (§2.8), prices per §2.2, and the 50-minor-unit
   * minimum (D13). The payment, its lines, invoice and events commit together; a decline is returned as
   * a failed payment, not an error.
   */
  async create(input: NewPayment): Promise<Payment> {
    const metadata = checkMetadata(input.metadata);
    const billing = input.billing === undefined ? null : checkBillingAddress(input.billing, 'country');
    if (input.product_cart.length === 0) {
      throw new BillingError('PRODUCT_CART_EMPTY', 'product_cart is empty', 'add at least one one-time product');
    }
    return this.scope.transaction(async (tx) => {
      const customer = await tx.customers.get(input.customer_id);
      const method = await tx.customers.getPaymentMethod(customer.customer_id, input.payment_method_id);
      const facts = await tx.products.cartFacts(input.product_cart);
      const cart = checkCart(input.product_cart, facts, { amount_required: true, on_demand: false });
      if (cart.subscription) {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `create_payment buys one-time products; ${cart.lines[0]?.product.product_id ?? ''} is a subscription`,
          'start subscriptions with create_checkout_session (payment_method_id + confirm: true)',
        );
      }
      const productIds = cart.lines.map((l) => l.product.product_id);
      const discount = input.discount_code === undefined ? null : await tx.discounts.validate(input.discount_code, { product_ids: productIds });
      const { default_tax_rate_bps } = await tx.settings.get();
      const priced = priceCart({ lines: pricingLinesOf(cart.lines), tax_rate_bps: default_tax_rate_bps, code: discount });
      assertChargeableTotal(priced.total_amount, cart.currency);
      const payment = await tx.payments.charge({
        customer,
        payment_method: method,
        brand_id: cart.brand_id,
        currency: cart.currency,
        lines: priced.lines,
        tax_rate_bps: default_tax_rate_bps,
        billing,
        metadata,
        discount_id: discount?.discount_id ?? null,
      });
      if (payment.status === 'succeeded' && discount) await tx.discounts.recordUse(discount.discount_id);
      return payment;
    });
  }

  /**
   * Charges priced lines to a saved method and records the outcome (see charge.ts). Other services
   * (checkout, subscriptions) call it on their transaction's scope (`tx.payments.charge`), so the charge
   * commits with the rest of their change.
   */
  async charge(order: ChargeOrder): Promise<Payment> {
    return this.scope.transaction((tx) => chargeOrder(tx, order));
  }

  /**
   * A refund's effect on the payment, in the refund's transaction: each refunded line's new refunded
   * amount, then the payment's refund_status.
   */
  async recordRefund(
    paymentId: string,
    lines: ReadonlyArray<{ line_id: string; refunded_after: number }>,
    status: RefundStatus,
    now: number,
  ): Promise<void> {
    if (!this.scope.db.isTransaction) throw new Error('recordRefund must run inside the transaction of the refund');
    for (const line of lines) await setLineRefundedAmount(this.scope.db, line.line_id, line.refunded_after);
    await setPaymentRefundStatus(this.scope.db, paymentId, status, now);
  }
}
