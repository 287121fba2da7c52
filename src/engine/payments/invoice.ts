import { iso } from '../clock.js';
import type { Scope } from '../scope.js';
import type { Invoice, InvoiceLine, InvoicePeriod } from './invoice-types.js';
import { insertInvoice, nextInvoiceNumber } from './repo.js';
import type { Payment, PaymentLineItem } from './types.js';

/**
 * Issues the invoice of a succeeded payment (SPEC §1.12) in the payment's transaction: the next number of
 * the business (1, 2, 3 …; the unique index on (business, number) makes a clash fail the transaction
 * rather than reuse a number) and its lines exactly as charged. The caller sets the payment's invoice_id
 * (and updated_at to the invoice's issued_at), with its status in the same write.
 */
export async function issueInvoice(
  tx: Scope,
  payment: Payment,
  lines: readonly PaymentLineItem[],
  taxRateBps: number,
  period: InvoicePeriod | null,
): Promise<Invoice> {
  const brand = await tx.brands.find(payment.brand_id);
  if (!brand) throw new Error(`payment ${payment.payment_id} names brand ${payment.brand_id}, which does not exist`);
  const now = tx.clock.now();
  const invoiceLines: InvoiceLine[] = lines.map((l) => ({
    item_id: l.item_id,
    kind: l.kind,
    name: l.name,
    quantity: l.quantity,
    unit_price: l.unit_price,
    gross_amount: l.gross_amount,
    discount_amount: l.discount_amount,
    amount: l.amount,
    tax: l.tax,
    total: l.amount + l.tax,
  }));
  const invoice: Invoice = {
    invoice_id: tx.ids.next('invoice'),
    number: await nextInvoiceNumber(tx.db, tx.businessId),
    payment_id: payment.payment_id,
    status: 'paid',
    issued_at: iso(now),
    currency: payment.currency,
    business_id: tx.businessId,
    brand: { brand_id: brand.brand_id, name: brand.name, url: brand.url, support_email: brand.support_email },
    customer: payment.customer,
    billing: payment.billing,
    payment_method: {
      type: payment.payment_method_type,
      card_network: payment.card_network,
      card_last_four: payment.card_last_four,
    },
    lines: invoiceLines,
    subtotal: payment.subtotal,
    discount_amount: invoiceLines.reduce((sum, l) => sum + l.discount_amount, 0),
    tax_rate_bps: taxRateBps,
    tax: payment.tax,
    total_amount: payment.total_amount,
    subscription_id: payment.subscription_id,
    period,
  };
  await insertInvoice(tx.db, {
    invoice_id: invoice.invoice_id,
    business_id: tx.businessId,
    payment_id: payment.payment_id,
    number: invoice.number,
    document: JSON.stringify(invoice),
    issued_at: now,
  });
  return invoice;
}
