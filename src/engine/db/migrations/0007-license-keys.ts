import type { Kysely } from 'kysely';

// License keys and their activation instances (SPEC §1.16, §2.10). A key's status is not stored: it is
// derived when read from `disabled`, `expires_at` against the clock, and its subscription's status, so the
// test clock expires keys without any job. Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('license_keys')
    .addColumn('license_key_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.customer_id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.product_id'))
    .addColumn('payment_id', 'text')
    .addColumn('subscription_id', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull())
    /** null = unlimited activations. */
    .addColumn('activations_limit', 'integer')
    .addColumn('instances_count', 'integer', (c) => c.notNull())
    /** null = never expires (always null on subscription keys, which follow the subscription). */
    .addColumn('expires_at', 'bigint')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('license_keys_by_customer').on('license_keys').columns(['customer_id', 'created_at']).execute();
  await db.schema.createIndex('license_keys_by_product').on('license_keys').columns(['product_id', 'created_at']).execute();
  await db.schema.createIndex('license_keys_by_subscription').on('license_keys').columns(['subscription_id']).execute();
  await db.schema.createIndex('license_keys_by_payment').on('license_keys').columns(['payment_id']).execute();

  await db.schema
    .createTable('license_key_instances')
    .addColumn('license_key_instance_id', 'text', (c) => c.primaryKey())
    .addColumn('license_key_id', 'text', (c) => c.notNull().references('license_keys.license_key_id'))
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('license_key_instances_by_key').on('license_key_instances').columns(['license_key_id', 'created_at']).execute();
}
