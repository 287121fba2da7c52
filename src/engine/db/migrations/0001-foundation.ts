import { type Kysely, PostgresAdapter } from 'kysely';

// Forward-only. A shipped migration is never edited: a change to the schema is a new numbered file.
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('business_settings')
    .addColumn('business_id', 'text', (c) => c.primaryKey())
    .addColumn('allow_multiple_subscriptions', 'integer', (c) => c.notNull())
    .addColumn('allow_subscription_updates', 'integer', (c) => c.notNull())
    .addColumn('default_tax_rate_bps', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('brands')
    .addColumn('brand_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('url', 'text')
    .addColumn('image', 'text')
    .addColumn('statement_descriptor', 'text')
    .addColumn('support_email', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('verification_status', 'text', (c) => c.notNull())
    .addColumn('is_primary', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('product_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.brand_id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('image', 'text')
    .addColumn('tax_category', 'text', (c) => c.notNull())
    .addColumn('price_type', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('price', 'bigint', (c) => c.notNull())
    .addColumn('discount', 'integer', (c) => c.notNull())
    .addColumn('pay_what_you_want', 'integer', (c) => c.notNull())
    .addColumn('suggested_price', 'bigint')
    .addColumn('tax_inclusive', 'integer')
    .addColumn('payment_frequency_count', 'integer')
    .addColumn('payment_frequency_interval', 'text')
    .addColumn('subscription_period_count', 'integer')
    .addColumn('subscription_period_interval', 'text')
    .addColumn('trial_period_days', 'integer')
    .addColumn('license_key_enabled', 'integer', (c) => c.notNull())
    .addColumn('license_key_activations_limit', 'integer')
    .addColumn('license_key_duration_count', 'integer')
    .addColumn('license_key_duration_interval', 'text')
    .addColumn('license_key_activation_message', 'text')
    .addColumn('digital_product_delivery', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('archived', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('products_by_created').on('products').columns(['created_at', 'product_id']).execute();

  await db.schema
    .createTable('addons')
    .addColumn('addon_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('price', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('tax_category', 'text', (c) => c.notNull())
    .addColumn('image', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('product_addons')
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.product_id'))
    .addColumn('addon_id', 'text', (c) => c.notNull().references('addons.addon_id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('product_addons_pk', ['product_id', 'addon_id'])
    .execute();

  await db.schema
    .createTable('collections')
    .addColumn('collection_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.brand_id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('image', 'text')
    .addColumn('archived', 'integer', (c) => c.notNull())
    .addColumn('allow_upgrades', 'integer', (c) => c.notNull())
    .addColumn('allow_downgrades', 'integer', (c) => c.notNull())
    .addColumn('force_same_billing_interval', 'integer', (c) => c.notNull())
    .addColumn('proration_billing_mode_on_upgrade', 'text')
    .addColumn('proration_billing_mode_on_downgrade', 'text')
    .addColumn('effective_at_on_upgrade', 'text')
    .addColumn('effective_at_on_downgrade', 'text')
    .addColumn('on_payment_failure', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('collection_groups')
    .addColumn('group_id', 'text', (c) => c.primaryKey())
    .addColumn('collection_id', 'text', (c) => c.notNull().references('collections.collection_id').onDelete('cascade'))
    .addColumn('group_name', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // Named groups are unique within a collection; several unnamed (NULL) groups may coexist.
  await db.schema.createIndex('collection_groups_unique_name').on('collection_groups').columns(['collection_id', 'group_name']).unique().execute();

  await db.schema
    .createTable('collection_items')
    .addColumn('item_id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('collection_groups.group_id').onDelete('cascade'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.product_id'))
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('collection_items_by_group').on('collection_items').columns(['group_id', 'position']).execute();
  await db.schema.createIndex('collection_items_by_product').on('collection_items').column('product_id').execute();

  await db.schema
    .createTable('outbox_events')
    // SQLite's AUTOINCREMENT and PostgreSQL's identity column: both hand out ever-increasing numbers that a
    // rolled-back insert never gives back to a later one. (The PostgreSQL branch was added with issue 17; the
    // SQLite statement is unchanged.)
    .addColumn('sequence', postgres ? 'bigint' : 'integer', (c) =>
      postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .execute();
}
