import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import { reusableQuery } from '../db/reusable.js';
import type { InvoicesTable, PaymentLineItemsTable, PaymentsTable } from '../db/schema.js';
import type { Currency } from '../money.js';
import type { LineKind } from '../pricing/types.js';
import { fromFlag } from '../shared/flags.js';
import { parseMetadata } from '../shared/metadata.js';
import type { PageWindow } from '../shared/paging.js';
import type { Invoice } from './invoice-types.js';
import type { BillingAddress, Payment, PaymentCartItem, PaymentLineItem, PaymentRefund, PaymentStatus, RefundStatus } from './types.js';

type PaymentRow = PaymentsTable & { customer_email: string; customer_name: string };

/** A stored line with its row id, for refunds that update one line. */
export interface StoredLineItem extends PaymentLineItem {
  line_id: string;
  position: number;
}

/** Payment filters as the repo takes them: instants in epoch ms. */
export interface PaymentQuery {
  customer_id?: string | undefined;
  status?: PaymentStatus | undefined;
  subscription_id?: string | undefined;
  brand_id?: string | undefined;
  created_from?: number | undefined;
  created_to?: number | undefined;
}

function toLine(row: PaymentLineItemsTable): StoredLineItem {
  return {
    line_id: row.line_id,
    position: row.position,
    item_id: row.item_id,
    kind: row.kind as LineKind,
    name: row.name,
    quantity: row.quantity,
    unit_price: row.unit_price,
    gross_amount: row.gross_amount,
    discount_amount: row.discount_amount,
    amount: row.amount,
    tax: row.tax,
    is_prorated: fromFlag(row.is_prorated),
    proration_factor: row.proration_factor,
    refunded_amount: row.refunded_amount,
  };
}

/** The API's one-time product_cart, from the product lines; null for subscription payments. */
function productCartOf(row: PaymentsTable, lines: readonly StoredLineItem[]): PaymentCartItem[] | null {
  if (row.subscription_id !== null) return null;
  return lines.filter((l) => l.kind === 'product').map((l) => ({ product_id: l.item_id, quantity: l.quantity }));
}

function toPayment(row: PaymentRow, lines: readonly StoredLineItem[], refunds: readonly PaymentRefund[]): Payment {
  return {
    payment_id: row.payment_id,
    business_id: row.business_id,
    brand_id: row.brand_id,
    customer: { customer_id: row.customer_id, email: row.customer_email, name: row.customer_name },
    billing: row.billing === null ? null : (JSON.parse(row.billing) as BillingAddress),
    currency: row.currency as Currency,
    subtotal: row.subtotal,
    tax: row.tax,
    total_amount: row.total_amount,
    status: row.status as PaymentStatus,
    error_code: row.error_code,
    error_message: row.error_message,
    payment_method_id: row.payment_method_id,
    payment_method_type: row.payment_method_type,
    card_last_four: row.card_last_four,
    card_network: row.card_network,
    product_cart: productCartOf(row, lines),
    subscription_id: row.subscription_id,
    checkout_session_id: row.checkout_session_id,
    discount_id: row.discount_id,
    invoice_id: row.invoice_id,
    refund_status: row.refund_status as RefundStatus | null,
    refunds: [...refunds],
    metadata: parseMetadata(row.metadata),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function paymentsWithCustomer(db: Db, businessId: string) {
  return db
    .selectFrom('payments')
    .innerJoin('customers', 'customers.customer_id', 'payments.customer_id')
    .selectAll('payments')
    .select(['customers.email as customer_email', 'customers.name as customer_name'])
    .where('payments.business_id', '=', businessId);
}

async function linesByPayment(db: Db, paymentIds: readonly string[]): Promise<Map<string, StoredLineItem[]>> {
  const byPayment = new Map<string, StoredLineItem[]>();
  if (paymentIds.length === 0) return byPayment;
  const rows = await db
    .selectFrom('payment_line_items')
    .selectAll()
    .where('payment_id', 'in', paymentIds)
    .orderBy('payment_id')
    .orderBy('position')
    .execute();
  for (const row of rows) byPayment.set(row.payment_id, [...(byPayment.get(row.payment_id) ?? []), toLine(row)]);
  return byPayment;
}

/** The refunds of each payment, oldest first (SPEC §1.9 `refunds[]`). */
async function refundsByPayment(db: Db, paymentIds: readonly string[]): Promise<Map<string, PaymentRefund[]>> {
  const byPayment = new Map<string, PaymentRefund[]>();
  if (paymentIds.length === 0) return byPayment;
  const rows = await db
    .selectFrom('refunds')
    .select(['refund_id', 'payment_id', 'amount', 'currency', 'status', 'is_partial', 'created_at'])
    .where('payment_id', 'in', paymentIds)
    .orderBy('created_at')
    .orderBy('refund_id')
    .execute();
  for (const row of rows) {
    const refund: PaymentRefund = {
      refund_id: row.refund_id,
      amount: row.amount,
      currency: row.currency as Currency,
      status: row.status,
      is_partial: fromFlag(row.is_partial),
      created_at: iso(row.created_at),
    };
    byPayment.set(row.payment_id, [...(byPayment.get(row.payment_id) ?? []), refund]);
  }
  return byPayment;
}

export async function findPayment(db: Db, businessId: string, paymentId: string): Promise<Payment | undefined> {
  const found = await findPaymentWithLines(db, businessId, paymentId);
  return found?.payment;
}

/** The payment and its lines in position order: what a refund checks and updates. */
export async function findPaymentWithLines(
  db: Db,
  businessId: string,
  paymentId: string,
): Promise<{ payment: Payment; lines: StoredLineItem[] } | undefined> {
  const row = await paymentsWithCustomer(db, businessId).where('payments.payment_id', '=', paymentId).executeTakeFirst();
  if (!row) return undefined;
  const lines = (await linesByPayment(db, [paymentId])).get(paymentId) ?? [];
  const refunds = (await refundsByPayment(db, [paymentId])).get(paymentId) ?? [];
  return { payment: toPayment(row, lines, refunds), lines };
}

/**
 * A payment just inserted, from the rows written instead of read back: what findPaymentWithLines returns
 * right after the insert (the customer's name and email as stored, the lines in position order, no refunds
 * yet), given the customer as the charge read it (cached in a due-work batch) instead of three statements.
 */
export function paymentAsWritten(
  row: PaymentsTable,
  lineRows: readonly PaymentLineItemsTable[],
  customer: { email: string; name: string },
): { payment: Payment; lines: StoredLineItem[] } {
  const lines = lineRows.map(toLine).sort((a, b) => a.position - b.position);
  return { payment: toPayment({ ...row, customer_email: customer.email, customer_name: customer.name }, lines, []), lines };
}

/** Newest first; ties (same instant) by id, newest id first. */
export async function listPayments(db: Db, businessId: string, query: PaymentQuery, window: PageWindow): Promise<Payment[]> {
  let select = paymentsWithCustomer(db, businessId);
  if (query.customer_id !== undefined) select = select.where('payments.customer_id', '=', query.customer_id);
  if (query.status !== undefined) select = select.where('payments.status', '=', query.status);
  if (query.subscription_id !== undefined) select = select.where('payments.subscription_id', '=', query.subscription_id);
  if (query.brand_id !== undefined) select = select.where('payments.brand_id', '=', query.brand_id);
  if (query.created_from !== undefined) select = select.where('payments.created_at', '>=', query.created_from);
  if (query.created_to !== undefined) select = select.where('payments.created_at', '<=', query.created_to);
  const rows = await select
    .orderBy('payments.created_at', 'desc')
    .orderBy('payments.payment_id', 'desc')
    .limit(window.fetch)
    .offset(window.offset)
    .execute();
  const ids = rows.map((r) => r.payment_id);
  const lines = await linesByPayment(db, ids);
  const refunds = await refundsByPayment(db, ids);
  return rows.map((row) => toPayment(row, lines.get(row.payment_id) ?? [], refunds.get(row.payment_id) ?? []));
}

export async function insertPayment(db: Db, row: PaymentsTable): Promise<void> {
  await insertPaymentRow(db, row);
}

const insertPaymentRow = reusableQuery((db: Db, row: PaymentsTable) => db.insertInto('payments').values(row));

type PaymentChanges = Partial<Pick<PaymentsTable, 'status' | 'error_code' | 'error_message' | 'invoice_id' | 'refund_status' | 'updated_at'>>;

export async function updatePaymentRow(db: Db, paymentId: string, changes: PaymentChanges): Promise<void> {
  await updatePayment(db, changes, paymentId);
}

const updatePayment = reusableQuery((db: Db, changes: PaymentChanges, paymentId: string) =>
  db.updateTable('payments').set(changes).where('payment_id', '=', paymentId),
);

export async function insertLineItems(db: Db, rows: readonly PaymentLineItemsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await insertLineRows(db, [...rows]);
}

const insertLineRows = reusableQuery((db: Db, rows: PaymentLineItemsTable[]) => db.insertInto('payment_line_items').values(rows));

/** Refunds: the new running total refunded on one line, tax included. */
export async function setLineRefundedAmount(db: Db, lineId: string, refundedAmount: number): Promise<void> {
  await db.updateTable('payment_line_items').set({ refunded_amount: refundedAmount }).where('line_id', '=', lineId).execute();
}

/** Refunds: partial after some money went back, full once all of it did. */
export async function setPaymentRefundStatus(db: Db, paymentId: string, status: RefundStatus, now: number): Promise<void> {
  await updatePaymentRow(db, paymentId, { refund_status: status, updated_at: now });
}

/** 1 for a business's first invoice, then one more than the highest number issued. */
export async function nextInvoiceNumber(db: Db, businessId: string): Promise<number> {
  const [row] = (await selectHighestInvoiceNumber(db, businessId)).rows;
  return Number(row?.highest ?? 0) + 1;
}

const selectHighestInvoiceNumber = reusableQuery((db: Db, businessId: string) =>
  db
    .selectFrom('invoices')
    .select((eb) => eb.fn.max('number').as('highest'))
    .where('business_id', '=', businessId),
);

export async function insertInvoice(db: Db, row: InvoicesTable): Promise<void> {
  await insertInvoiceRow(db, row);
}

const insertInvoiceRow = reusableQuery((db: Db, row: InvoicesTable) => db.insertInto('invoices').values(row));

export async function findInvoiceByPayment(db: Db, businessId: string, paymentId: string): Promise<Invoice | undefined> {
  const row = await db
    .selectFrom('invoices')
    .select('document')
    .where('business_id', '=', businessId)
    .where('payment_id', '=', paymentId)
    .executeTakeFirst();
  return row && (JSON.parse(row.document) as Invoice);
}
