import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import type { RefundsTable } from '../db/schema.js';
import type { Currency } from '../money.js';
import { fromFlag } from '../shared/flags.js';
import { parseMetadata } from '../shared/metadata.js';
import type { PageWindow } from '../shared/paging.js';
import type { Refund, RefundItem, RefundStatus } from './types.js';

type RefundRow = RefundsTable & { customer_email: string; customer_name: string };

/** Refund filters as the repo takes them: instants in epoch ms. */
export interface RefundQuery {
  payment_id?: string | undefined;
  customer_id?: string | undefined;
  status?: RefundStatus | undefined;
  created_from?: number | undefined;
  created_to?: number | undefined;
}

function toRefund(row: RefundRow): Refund {
  return {
    refund_id: row.refund_id,
    payment_id: row.payment_id,
    business_id: row.business_id,
    brand_id: row.brand_id,
    customer: { customer_id: row.customer_id, email: row.customer_email, name: row.customer_name },
    amount: row.amount,
    currency: row.currency as Currency,
    is_partial: fromFlag(row.is_partial),
    reason: row.reason,
    status: row.status as RefundStatus,
    items: JSON.parse(row.items) as RefundItem[],
    metadata: parseMetadata(row.metadata),
    created_at: iso(row.created_at),
  };
}

function refundsWithCustomer(db: Db, businessId: string) {
  return db
    .selectFrom('refunds')
    .innerJoin('customers', 'customers.customer_id', 'refunds.customer_id')
    .selectAll('refunds')
    .select(['customers.email as customer_email', 'customers.name as customer_name'])
    .where('refunds.business_id', '=', businessId);
}

export async function findRefund(db: Db, businessId: string, refundId: string): Promise<Refund | undefined> {
  const row = await refundsWithCustomer(db, businessId).where('refunds.refund_id', '=', refundId).executeTakeFirst();
  return row && toRefund(row);
}

/** Newest first; ties (same instant) by id, newest id first. */
export async function listRefunds(db: Db, businessId: string, query: RefundQuery, window: PageWindow): Promise<Refund[]> {
  let select = refundsWithCustomer(db, businessId);
  if (query.payment_id !== undefined) select = select.where('refunds.payment_id', '=', query.payment_id);
  if (query.customer_id !== undefined) select = select.where('refunds.customer_id', '=', query.customer_id);
  if (query.status !== undefined) select = select.where('refunds.status', '=', query.status);
  if (query.created_from !== undefined) select = select.where('refunds.created_at', '>=', query.created_from);
  if (query.created_to !== undefined) select = select.where('refunds.created_at', '<=', query.created_to);
  const rows = await select
    .orderBy('refunds.created_at', 'desc')
    .orderBy('refunds.refund_id', 'desc')
    .limit(window.fetch)
    .offset(window.offset)
    .execute();
  return rows.map(toRefund);
}

/** Every refund of a payment, oldest first, as the §2.9 checks read them. */
export async function refundsOfPayment(
  db: Db,
  businessId: string,
  paymentId: string,
): Promise<Array<{ refund_id: string; status: RefundStatus; amount: number }>> {
  const rows = await db
    .selectFrom('refunds')
    .select(['refund_id', 'status', 'amount'])
    .where('business_id', '=', businessId)
    .where('payment_id', '=', paymentId)
    .orderBy('created_at')
    .orderBy('refund_id')
    .execute();
  return rows.map((r) => ({ refund_id: r.refund_id, status: r.status as RefundStatus, amount: r.amount }));
}

export async function insertRefund(db: Db, row: RefundsTable): Promise<void> {
  await db.insertInto('refunds').values(row).execute();
}
