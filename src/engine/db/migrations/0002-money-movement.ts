import type { Kysely } from 'kysely';

// Customers, payment methods, wallets, discounts, checkout sessions, payments with line items,
// invoices and refunds (SPEC §1.5–1.10, §1.12). Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('customer_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone_number', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Not unique: a checkout with always_create_new_customer may add a second customer for an email.
  await db.schema.createIndex('customers_by_email').on('customers').columns(['business_id', 'email', 'created_at']).execute();

  await db.schema
    .createTable('payment_methods')
    .addColumn('payment_method_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.customer_id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('card_brand', 'text')
    .addColumn('card_last4', 'text')
    .addColumn('card_exp_month', 'integer')
    .addColumn('card_exp_year', 'integer')
    .addColumn('card_country', 'text')
    /** The test processor's verdict for this method: null succeeds, else the failure code (CARD_DECLINED …). */
    .addColumn('test_failure_code', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payment_methods_by_customer').on('payment_methods').column('customer_id').execute();

  await db.schema
    .createTable('wallets')
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.customer_id'))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('balance', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('wallets_pk', ['customer_id', 'currency'])
    .execute();

  await db.schema
    .createTable('wallet_ledger_entries')
    .addColumn('entry_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.customer_id'))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('is_credit', 'integer', (c) => c.notNull())
    .addColumn('before_balance', 'bigint', (c) => c.notNull())
    .addColumn('after_balance', 'bigint', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('reference_object_id', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('wallet_ledger_by_customer').on('wallet_ledger_entries').columns(['customer_id', 'currency', 'created_at']).execute();
  await db.schema.createIndex('wallet_ledger_idempotency').on('wallet_ledger_entries').columns(['customer_id', 'idempotency_key']).unique().execute();

  await db.schema
    .createTable('discounts')
    .addColumn('discount_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('usage_limit', 'integer')
    .addColumn('times_used', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('restricted_to', 'text', (c) => c.notNull())
    .addColumn('subscription_cycles', 'integer')
    .addColumn('preserve_on_plan_change', 'integer', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('discounts_by_code').on('discounts').columns(['business_id', 'code']).execute();

  await db.schema
    .createTable('checkout_sessions')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    /** The validated request: cart, addons, amounts, customer, address, flags, customization. */
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('product_collection_id', 'text')
    .addColumn('selected_product_id', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('discount_id', 'text')
    .addColumn('payment_id', 'text')
    .addColumn('subscription_id', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('payment_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.customer_id'))
    .addColumn('currency', 'text', (c) => c.notNull())
    /** Sum of the lines before tax, after discounts and credits. */
    .addColumn('subtotal', 'bigint', (c) => c.notNull())
    .addColumn('tax', 'bigint', (c) => c.notNull())
    /** What the customer is charged: subtotal + tax. */
    .addColumn('total_amount', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('payment_method_id', 'text')
    .addColumn('payment_method_type', 'text')
    .addColumn('card_last_four', 'text')
    .addColumn('card_network', 'text')
    .addColumn('subscription_id', 'text')
    .addColumn('checkout_session_id', 'text')
    .addColumn('discount_id', 'text')
    .addColumn('invoice_id', 'text')
    .addColumn('refund_status', 'text')
    .addColumn('billing', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payments_by_customer').on('payments').columns(['customer_id', 'created_at']).execute();
  await db.schema.createIndex('payments_by_subscription').on('payments').columns(['subscription_id', 'created_at']).execute();
  await db.schema.createIndex('payments_by_created').on('payments').columns(['business_id', 'created_at']).execute();

  await db.schema
    .createTable('payment_line_items')
    .addColumn('line_id', 'text', (c) => c.primaryKey())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.payment_id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    /** The product or addon id the line bills (the `item_id` refunds name). */
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price', 'bigint', (c) => c.notNull())
    /** unit_price × quantity, before any discount. */
    .addColumn('gross_amount', 'bigint', (c) => c.notNull())
    .addColumn('discount_amount', 'bigint', (c) => c.notNull())
    /** Net of discounts and credits, before tax (exclusive) or with tax taken out (inclusive). */
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('tax', 'bigint', (c) => c.notNull())
    .addColumn('is_prorated', 'integer', (c) => c.notNull())
    .addColumn('proration_factor', 'text')
    .addColumn('refunded_amount', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payment_line_items_by_payment').on('payment_line_items').columns(['payment_id', 'position']).execute();

  await db.schema
    .createTable('invoices')
    .addColumn('invoice_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'text', (c) => c.notNull().unique().references('payments.payment_id'))
    /** Sequential per business, from 1, never reused. */
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invoices_unique_number').on('invoices').columns(['business_id', 'number']).unique().execute();

  await db.schema
    .createTable('refunds')
    .addColumn('refund_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.payment_id'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('is_partial', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    /** Per line: [{item_id, amount}] as refunded. */
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refunds_by_payment').on('refunds').columns(['payment_id', 'created_at']).execute();
}
