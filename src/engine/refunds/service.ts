import { BillingError, notFound } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import type { Scope } from '../scope.js';
import { toFlag } from '../shared/flags.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { buildReceipt } from './receipt.js';
import { findRefund, insertRefund, listRefunds, type RefundQuery, refundsOfPayment } from './repo.js';
import { checkRefundRequest, planRefund } from './rules.js';
import { parseInstant } from '../shared/instants.js';
import type { NewRefund, Refund, RefundFilter, RefundReceipt } from './types.js';

/**
 * Refunds (SPEC §1.10, §2.9). Test mode returns the money at once: a refund that passes every check is
 * written `succeeded`, together with the lines' refunded_amount, the payment's refund_status and the
 * `refund.succeeded` event, in one transaction. A refund never cancels a subscription.
 */
export class RefundService {
  constructor(private readonly scope: Scope) {}

  /**
   * Refunds a payment in full (no items) or line by line (SPEC §2.9, checks in rules.ts `planRefund`).
   * Amounts are minor units, tax included unless an item says `tax_inclusive: false`.
   */
  async create(input: NewRefund): Promise<Refund> {
    const request = checkRefundRequest(input);
    return this.scope.transaction(async (tx) => {
      const found = await tx.payments.withLines(request.payment_id);
      if (!found) throw notFound('payment', request.payment_id, 'list_payments');
      const { payment, lines } = found;
      const now = tx.clock.now();
      const plan = planRefund(
        {
          payment: {
            payment_id: payment.payment_id,
            status: payment.status,
            total_amount: payment.total_amount,
            created_at_ms: Date.parse(payment.created_at),
            refund_status: payment.refund_status,
          },
          lines,
          refunds: await refundsOfPayment(tx.db, tx.businessId, payment.payment_id),
          now,
        },
        request,
      );
      const refund_id = tx.ids.next('refund');
      await insertRefund(tx.db, {
        refund_id,
        business_id: tx.businessId,
        brand_id: payment.brand_id,
        payment_id: payment.payment_id,
        customer_id: payment.customer.customer_id,
        amount: plan.amount,
        currency: payment.currency,
        is_partial: toFlag(plan.is_partial),
        reason: request.reason,
        status: 'succeeded',
        items: JSON.stringify(plan.items.map(({ item_id, amount }) => ({ item_id, amount }))),
        metadata: JSON.stringify(request.metadata),
        created_at: now,
      });
      await tx.payments.recordRefund(payment.payment_id, plan.items, plan.refund_status, now);
      const refund = await tx.refunds.get(refund_id);
      await recordEvent(tx, { type: 'refund.succeeded', objectId: refund_id, payload: { payload_type: 'Refund', ...refund } });
      return refund;
    });
  }

  async get(refundId: string): Promise<Refund> {
    const refund = await findRefund(this.scope.db, this.scope.businessId, refundId);
    if (!refund) throw notFound('refund', refundId, 'list_refunds');
    return refund;
  }

  /** Newest first. created_at_gte / created_at_lte are inclusive ISO-8601 instants. */
  async list(filter: RefundFilter = {}, page?: PageRequest): Promise<Page<Refund>> {
    const query: RefundQuery = {
      payment_id: filter.payment_id,
      customer_id: filter.customer_id,
      status: filter.status,
      created_from: filter.created_at_gte === undefined ? undefined : parseInstant('created_at_gte', filter.created_at_gte),
      created_to: filter.created_at_lte === undefined ? undefined : parseInstant('created_at_lte', filter.created_at_lte),
    };
    const window = pageWindow(page);
    return toPage(window, await listRefunds(this.scope.db, this.scope.businessId, query, window));
  }

  /** The receipt of a succeeded refund (SPEC §1.10): what went back, line by line, and to which payment. */
  async receipt(refundId: string): Promise<RefundReceipt> {
    const refund = await this.get(refundId);
    if (refund.status !== 'succeeded') {
      throw new BillingError(
        'NOT_FOUND',
        `refund ${refundId} has no receipt: receipts are issued for succeeded refunds only, and this one is ${refund.status}`,
        `get_refund ${refundId} shows its status`,
      );
    }
    const found = await this.scope.payments.withLines(refund.payment_id);
    if (!found) throw new Error(`refund ${refundId} names payment ${refund.payment_id}, which does not exist`);
    const brand = await this.scope.brands.find(refund.brand_id);
    if (!brand) throw new Error(`refund ${refundId} names brand ${refund.brand_id}, which does not exist`);
    return buildReceipt({ ...refund, status: 'succeeded' }, found.payment, found.lines, brand);
  }
}
