import type { Kysely } from 'kysely';

// Usage-based billing (SPEC §1.1 usage_based_price meters, §1.14 meters, §1.15 usage events, §2.7).
// usage_events is the hot table: event_id is the idempotency key, so it is the primary key (one unique
// b-tree, no second id index), and (customer_id, event_name, timestamp) serves aggregation and listing.
// Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('meters')
    .addColumn('meter_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('event_name', 'text', (c) => c.notNull())
    .addColumn('measurement_unit', 'text', (c) => c.notNull())
    .addColumn('aggregation_type', 'text', (c) => c.notNull())
    .addColumn('aggregation_key', 'text')
    /** JSON {conjunction, clauses}, or null: every event of the name counts. */
    .addColumn('filter', 'text')
    .addColumn('archived', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('meters_by_business').on('meters').columns(['business_id', 'archived', 'created_at']).execute();

  await db.schema
    .createTable('product_meters')
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.product_id'))
    .addColumn('meter_id', 'text', (c) => c.notNull().references('meters.meter_id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    /** Decimal string in minor units per unit: "2" = 2¢, "0.5" = half a cent. */
    .addColumn('price_per_unit', 'text', (c) => c.notNull())
    .addColumn('free_threshold', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text')
    .addPrimaryKeyConstraint('product_meters_pk', ['product_id', 'meter_id'])
    .execute();
  await db.schema.createIndex('product_meters_by_meter').on('product_meters').column('meter_id').execute();

  await db.schema
    .createTable('usage_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('event_name', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    /** JSON flat map of string | number | boolean, or null. */
    .addColumn('metadata', 'text')
    .execute();
  await db.schema.createIndex('usage_events_by_customer').on('usage_events').columns(['customer_id', 'event_name', 'timestamp']).execute();

  // Billing reads a subscription's plan changes in a period from the outbox (D6): by object, then time.
  await db.schema.createIndex('outbox_events_by_object').on('outbox_events').columns(['object_id', 'type', 'occurred_at']).execute();

  // What each closed period billed per meter: the usage history and the invoice's meter lines.
  await db.schema
    .createTable('subscription_usage_lines')
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.subscription_id'))
    .addColumn('period_start', 'bigint', (c) => c.notNull())
    .addColumn('period_end', 'bigint', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('meter_id', 'text', (c) => c.notNull())
    .addColumn('meter_name', 'text', (c) => c.notNull())
    .addColumn('segment_start', 'bigint', (c) => c.notNull())
    .addColumn('segment_end', 'bigint', (c) => c.notNull())
    .addColumn('consumed_units', 'text', (c) => c.notNull())
    .addColumn('chargeable_units', 'text', (c) => c.notNull())
    .addColumn('free_threshold', 'bigint', (c) => c.notNull())
    .addColumn('price_per_unit', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('payment_id', 'text')
    .addPrimaryKeyConstraint('subscription_usage_lines_pk', ['subscription_id', 'period_start', 'position'])
    .execute();
}
