import type { Kysely } from 'kysely';

// An insertion order for customers and wallet ledger entries. Timestamps alone cannot order them: the
// test clock stands still until advanced, so ten entries can share one millisecond, and random ids say
// nothing about order. "Oldest customer for an email" (SPEC §1.6) and "ledger newest first" (§2.11)
// both read this column. Customers count per business, ledger entries per customer, from 1. Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('customers')
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('customers_by_sequence').on('customers').columns(['business_id', 'sequence']).execute();

  await db.schema
    .alterTable('wallet_ledger_entries')
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('wallet_ledger_by_sequence').on('wallet_ledger_entries').columns(['customer_id', 'sequence']).execute();
}
