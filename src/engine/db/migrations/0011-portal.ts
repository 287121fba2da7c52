import type { Kysely } from 'kysely';

// The customer portal (issue 15, SPEC §1.6, D18):
// - business settings gain the plan-change defaults a collection's null policy fields inherit; existing
//   businesses get the documented defaults (prorated_immediately both ways, immediately for upgrades,
//   next_billing_date for downgrades, apply_change);
// - portal sessions: a link's token is stored only as its SHA-256, so reading the database reveals no
//   live link. Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  const settings = db.schema.alterTable('business_settings');
  await settings.addColumn('proration_billing_mode_on_upgrade', 'text', (c) => c.notNull().defaultTo('prorated_immediately')).execute();
  await settings.addColumn('proration_billing_mode_on_downgrade', 'text', (c) => c.notNull().defaultTo('prorated_immediately')).execute();
  await settings.addColumn('effective_at_on_upgrade', 'text', (c) => c.notNull().defaultTo('immediately')).execute();
  await settings.addColumn('effective_at_on_downgrade', 'text', (c) => c.notNull().defaultTo('next_billing_date')).execute();
  await settings.addColumn('on_payment_failure', 'text', (c) => c.notNull().defaultTo('apply_change')).execute();

  await db.schema
    .createTable('customer_portal_sessions')
    /** hex SHA-256 of the link's token. */
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.customer_id'))
    .addColumn('return_url', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customer_portal_sessions_by_customer').on('customer_portal_sessions').columns(['customer_id', 'created_at']).execute();
}
