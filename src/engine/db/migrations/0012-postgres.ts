import { type Kysely, PostgresAdapter, sql } from 'kysely';

// PostgreSQL (issue 17).
//
// - Usage events: the PostgreSQL store (usage/postgres-store.ts) keeps events in usage_events itself, with a
//   unique index on event_id for idempotent inserts (INSERT … ON CONFLICT DO NOTHING) and one per customer and
//   event name in time order for billing; SQLite's staging table, hash index and runs stay empty there.
// - Both: a discount code is unique per business among discounts not deleted (SPEC §1.5). The service checks
//   it under the write lock; the partial unique index makes the database refuse a second live code too, so
//   no path can break it.
// Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE UNIQUE INDEX discounts_live_code ON discounts (business_id, code) WHERE deleted_at IS NULL`.execute(db);
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`CREATE UNIQUE INDEX usage_events_by_event_id ON usage_events (event_id)`.execute(db);
  await sql`CREATE INDEX usage_events_by_customer ON usage_events (customer_id, event_name, timestamp, seq)`.execute(db);
}
