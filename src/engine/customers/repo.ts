import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import { cachedRead, forgetCachedReads } from '../db/read-cache.js';
import { reusableQuery } from '../db/reusable.js';
import type { CustomersTable, PaymentMethodsTable } from '../db/schema.js';
import { parseMetadata } from '../shared/metadata.js';
import type { PageWindow } from '../shared/paging.js';
import type { CardBrand, TestFailureCode } from './test-cards.js';
import type { Customer, CustomerFilter, PaymentMethod } from './types.js';

function toCustomer(row: CustomersTable): Customer {
  return {
    customer_id: row.customer_id,
    business_id: row.business_id,
    email: row.email,
    name: row.name,
    phone_number: row.phone_number,
    metadata: parseMetadata(row.metadata),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** One customer; read once per due-work batch (db/read-cache.ts): a renewal's charge and payment both name it. */
export async function findCustomer(db: Db, businessId: string, customerId: string): Promise<Customer | undefined> {
  return cachedRead(db, `customer:${businessId}:${customerId}`, async () => {
    const [row] = (await selectCustomer(db, businessId, customerId)).rows;
    return row && toCustomer(row);
  });
}

const selectCustomer = reusableQuery((db: Db, businessId: string, customerId: string) =>
  db.selectFrom('customers').selectAll().where('business_id', '=', businessId).where('customer_id', '=', customerId),
);

/** The first customer created with this (lower-case) email, by creation order. */
export async function findOldestCustomerByEmail(db: Db, businessId: string, email: string): Promise<Customer | undefined> {
  const row = await db
    .selectFrom('customers')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('email', '=', email)
    .orderBy('sequence')
    .limit(1)
    .executeTakeFirst();
  return row && toCustomer(row);
}

/** Newest first, by creation order. */
export async function listCustomers(db: Db, businessId: string, filter: CustomerFilter, window: PageWindow): Promise<Customer[]> {
  let query = db.selectFrom('customers').selectAll().where('business_id', '=', businessId);
  if (filter.email !== undefined) query = query.where('email', '=', filter.email);
  const rows = await query.orderBy('sequence', 'desc').limit(window.fetch).offset(window.offset).execute();
  return rows.map(toCustomer);
}

export async function nextCustomerSequence(db: Db, businessId: string): Promise<number> {
  const row = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.max('sequence').as('last'))
    .where('business_id', '=', businessId)
    .executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}

export async function insertCustomer(db: Db, row: CustomersTable): Promise<void> {
  forgetCachedReads(db);
  await db.insertInto('customers').values(row).execute();
}

export async function updateCustomerRow(
  db: Db,
  customerId: string,
  changes: Partial<Pick<CustomersTable, 'email' | 'name' | 'phone_number' | 'metadata' | 'updated_at'>>,
): Promise<void> {
  forgetCachedReads(db);
  await db.updateTable('customers').set(changes).where('customer_id', '=', customerId).execute();
}

function toPaymentMethod(row: PaymentMethodsTable): PaymentMethod {
  return {
    payment_method_id: row.payment_method_id,
    customer_id: row.customer_id,
    type: 'card',
    card: {
      brand: (row.card_brand ?? 'Unknown') as CardBrand,
      last4: row.card_last4 ?? '',
      exp_month: row.card_exp_month ?? 0,
      exp_year: row.card_exp_year ?? 0,
      country: row.card_country ?? '',
    },
    test_failure_code: row.test_failure_code as TestFailureCode | null,
    created_at: iso(row.created_at),
  };
}

export async function insertPaymentMethod(db: Db, row: PaymentMethodsTable): Promise<void> {
  await db.insertInto('payment_methods').values(row).execute();
}

/** A payment method of any customer of the business. */
export async function findPaymentMethod(db: Db, businessId: string, paymentMethodId: string): Promise<PaymentMethod | undefined> {
  const [row] = (await selectPaymentMethod(db, businessId, paymentMethodId)).rows;
  return row && toPaymentMethod(row);
}

const selectPaymentMethod = reusableQuery((db: Db, businessId: string, paymentMethodId: string) =>
  db
    .selectFrom('payment_methods')
    .innerJoin('customers', 'customers.customer_id', 'payment_methods.customer_id')
    .selectAll('payment_methods')
    .where('customers.business_id', '=', businessId)
    .where('payment_methods.payment_method_id', '=', paymentMethodId),
);

/** Newest first; rows saved in the same millisecond by id, newest id first. */
export async function listPaymentMethods(db: Db, customerId: string): Promise<PaymentMethod[]> {
  const rows = await db
    .selectFrom('payment_methods')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('payment_method_id', 'desc')
    .execute();
  return rows.map(toPaymentMethod);
}

export async function setPaymentMethodFailureCode(db: Db, paymentMethodId: string, code: TestFailureCode | null): Promise<void> {
  await db.updateTable('payment_methods').set({ test_failure_code: code }).where('payment_method_id', '=', paymentMethodId).execute();
}
