import type { Brand } from '../brands/types.js';
import { mulDivHalfUp } from '../money.js';
import type { Payment, PaymentLineItem } from '../payments/types.js';
import type { Refund, RefundReceipt, RefundReceiptLine } from './types.js';

/**
 * The tax inside a refunded line amount, in the line's own proportion, half up: a line paid 6014 (5097 +
 * 917 tax) refunded 1180 carries round(1180 × 917 / 6014 = 179.93) = 180 tax and 1000 without tax. The
 * whole line (6014) carries exactly its 917, so a full refund's receipt matches the invoice.
 */
export function taxInside(refunded: number, line: Pick<PaymentLineItem, 'amount' | 'tax'>): number {
  const paid = line.amount + line.tax;
  return paid === 0 ? 0 : mulDivHalfUp(refunded, line.tax, paid);
}

/** Pure: a succeeded refund, its payment and lines, and the brand → the receipt (lines sum to the total). */
export function buildReceipt(
  refund: Refund & { status: 'succeeded' },
  payment: Payment,
  lines: readonly PaymentLineItem[],
  brand: Brand,
): RefundReceipt {
  const receiptLines: RefundReceiptLine[] = refund.items.map((item) => {
    const line = lines.find((l) => l.item_id === item.item_id);
    if (!line) throw new Error(`refund ${refund.refund_id} names ${item.item_id}, which is not a line of payment ${payment.payment_id}`);
    const tax = taxInside(item.amount, line);
    return {
      item_id: item.item_id,
      kind: line.kind,
      name: line.name,
      quantity: line.quantity,
      paid_amount: line.amount + line.tax,
      amount: item.amount - tax,
      tax,
      total: item.amount,
    };
  });
  const subtotal = receiptLines.reduce((sum, l) => sum + l.amount, 0);
  const tax = receiptLines.reduce((sum, l) => sum + l.tax, 0);
  return {
    refund_id: refund.refund_id,
    status: 'succeeded',
    issued_at: refund.created_at,
    business_id: refund.business_id,
    brand: { brand_id: brand.brand_id, name: brand.name, url: brand.url, support_email: brand.support_email },
    customer: refund.customer,
    reason: refund.reason,
    payment: {
      payment_id: payment.payment_id,
      invoice_id: payment.invoice_id,
      created_at: payment.created_at,
      total_amount: payment.total_amount,
      payment_method: {
        type: payment.payment_method_type,
        card_network: payment.card_network,
        card_last_four: payment.card_last_four,
      },
    },
    currency: refund.currency,
    lines: receiptLines,
    subtotal,
    tax,
    total_amount: subtotal + tax,
    is_partial: refund.is_partial,
  };
}
