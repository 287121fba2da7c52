import type { Kysely } from 'kysely';

// Subscriptions, their scheduled plan changes, the renewal ledger that makes the due-work runner
// idempotent, and the persisted test-clock offset (SPEC §1.13, §2.3–2.6, D14). Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('subscriptions')
    .addColumn('subscription_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.customer_id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.product_id'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    /** JSON [{addon_id, quantity, unit_price}]: prices frozen at purchase, as the product's are. */
    .addColumn('addons', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    /** The product's price per unit when bought (or last plan change); price edits don't touch it. */
    .addColumn('unit_price', 'bigint', (c) => c.notNull())
    .addColumn('tax_inclusive', 'integer', (c) => c.notNull())
    .addColumn('payment_frequency_count', 'integer', (c) => c.notNull())
    .addColumn('payment_frequency_interval', 'text', (c) => c.notNull())
    .addColumn('subscription_period_count', 'integer')
    .addColumn('subscription_period_interval', 'text')
    .addColumn('trial_period_days', 'integer', (c) => c.notNull())
    /** Billing anchor: period k ends at anchor + k × frequency (calendar maths, month-end clamped). */
    .addColumn('billing_anchor', 'bigint', (c) => c.notNull())
    /** Periods completed since the anchor; the current period is [boundary(k), boundary(k+1)). */
    .addColumn('period_index', 'integer', (c) => c.notNull())
    .addColumn('previous_billing_date', 'bigint', (c) => c.notNull())
    .addColumn('next_billing_date', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cancel_at_next_billing_date', 'integer', (c) => c.notNull())
    .addColumn('cancelled_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('on_demand', 'integer', (c) => c.notNull())
    .addColumn('discount_id', 'text')
    .addColumn('discount_cycles_remaining', 'integer')
    .addColumn('payment_method_id', 'text')
    .addColumn('billing', 'text')
    /** Subscription-scoped credit from downgrades, minor units; applied at renewals before the wallet (D4). */
    .addColumn('credit_balance', 'bigint', (c) => c.notNull())
    /** Owed after a failed charge (on_hold); charged when the payment method is updated. */
    .addColumn('outstanding_amount', 'bigint', (c) => c.notNull())
    .addColumn('collection_id', 'text')
    .addColumn('checkout_session_id', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscriptions_by_customer').on('subscriptions').columns(['customer_id', 'created_at']).execute();
  await db.schema.createIndex('subscriptions_due').on('subscriptions').columns(['status', 'next_billing_date']).execute();

  await db.schema
    .createTable('scheduled_plan_changes')
    .addColumn('change_id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.subscription_id'))
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('addons', 'text', (c) => c.notNull())
    .addColumn('discount_id', 'text')
    .addColumn('effective_at', 'bigint', (c) => c.notNull())
    /** pending | applied | cancelled */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scheduled_plan_changes_by_subscription').on('scheduled_plan_changes').columns(['subscription_id', 'status']).execute();

  // One row per (subscription, period) the runner has billed or closed: running it twice bills nothing twice.
  await db.schema
    .createTable('subscription_period_runs')
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.subscription_id'))
    .addColumn('period_index', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'text')
    .addColumn('ran_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscription_period_runs_pk', ['subscription_id', 'period_index', 'kind'])
    .execute();

  await db.schema
    .createTable('test_clock')
    .addColumn('business_id', 'text', (c) => c.primaryKey())
    /** How far the test clock is ahead of real time, ms. Only ever grows. */
    .addColumn('offset_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
