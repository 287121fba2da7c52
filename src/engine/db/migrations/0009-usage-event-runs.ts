import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Usage events stored for ingestion at speed (issue 5). Before: one table with a unique index on the random
// event_id and an index on (customer, event name, timestamp); a 1000-event batch spread over 1000
// customers dirtied ~2,000 index pages, ~8 KB of WAL per event, and ingested ~11,000 events/s on a
// 1,000,000-event database. Now a batch is appended to usage_events_staged (no index: ~40 pages) and
// checked for duplicates against the merged events' hash index (usage_event_ids); staged events are merged in bulk, sorted
// by (customer, event name, timestamp), so each customer's events of a merge are one contiguous run of
// rows, found through usage_event_runs (one row per customer and event name per merge, not per event).
// Forward-only: existing events are moved into the new layout, in run order.
const COPY_CHUNK = 5000;

type MovedTables = {
  usage_events: V1Row & { id_hash: number };
};

type V1Row = {
  event_id: string;
  business_id: string;
  customer_id: string;
  event_name: string;
  timestamp: number;
  metadata: string | null;
};

export async function up(db: Kysely<unknown>): Promise<void> {
  // PostgreSQL support came after this migration (issue 17), so a PostgreSQL database never held events in
  // the old layout: it drops the empty old table rather than move it (whose primary key's index name the new
  // table needs), and gets an identity column where SQLite numbers rows itself (an INTEGER PRIMARY KEY).
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) await sql`DROP TABLE usage_events`.execute(db);
  else {
    await sql`ALTER TABLE usage_events RENAME TO usage_events_v1`.execute(db);
    await sql`DROP INDEX IF EXISTS usage_events_by_customer`.execute(db);
  }

  for (const table of ['usage_events', 'usage_events_staged']) {
    await db.schema
      .createTable(table)
      .addColumn('seq', postgres ? 'bigint' : 'integer', (c) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey()))
      .addColumn('id_hash', 'bigint', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('business_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('event_name', 'text', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      /** JSON flat map of string | number | boolean, or null. */
      .addColumn('metadata', 'text')
      .execute();
  }
  await db.schema.createIndex('usage_events_by_time').on('usage_events').column('timestamp').execute();

  // The idempotency index, in a table of its own (not unique: equal hashes are compared by event_id). A
  // merge appends its rows and fills the index in hash order; an index on usage_events itself would be
  // filled in the merge's customer order, at random places: 5.3–5.9 → 3.6–3.8 µs per merged event.
  await db.schema
    .createTable('usage_event_ids')
    .addColumn('id_hash', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_event_ids_by_hash').on('usage_event_ids').column('id_hash').execute();

  await db.schema
    .createTable('usage_event_runs')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('event_name', 'text', (c) => c.notNull())
    .addColumn('first_seq', 'integer', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addColumn('min_ts', 'bigint', (c) => c.notNull())
    .addColumn('max_ts', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_event_runs_pk', ['customer_id', 'event_name', 'first_seq'])
    .execute();

  await db.schema
    .createTable('usage_staging_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .execute();
  await sql`INSERT INTO usage_staging_state (id, generation) VALUES (1, 0)`.execute(db);
  if (postgres) return;

  // Existing events, in run order, keyset-paged so a large table is never held in memory at once.
  let after: [string, string, number, string] | null = null;
  for (;;) {
    const page: { rows: V1Row[] } = after
      ? await sql<V1Row>`SELECT event_id, business_id, customer_id, event_name, timestamp, metadata FROM usage_events_v1
          WHERE (customer_id, event_name, timestamp, event_id) > (${after[0]}, ${after[1]}, ${after[2]}, ${after[3]})
          ORDER BY customer_id, event_name, timestamp, event_id LIMIT ${COPY_CHUNK}`.execute(db)
      : await sql<V1Row>`SELECT event_id, business_id, customer_id, event_name, timestamp, metadata FROM usage_events_v1
          ORDER BY customer_id, event_name, timestamp, event_id LIMIT ${COPY_CHUNK}`.execute(db);
    if (page.rows.length === 0) break;
    for (let i = 0; i < page.rows.length; i += 500) {
      const values = page.rows.slice(i, i + 500).map((r) => ({ ...r, id_hash: eventIdHash(r.event_id) }));
      await db.withTables<MovedTables>().insertInto('usage_events').values(values).execute();
    }
    const last = page.rows[page.rows.length - 1] as V1Row;
    after = [last.customer_id, last.event_name, last.timestamp, last.event_id];
  }
  await sql`INSERT INTO usage_event_ids (id_hash, seq) SELECT id_hash, seq FROM usage_events ORDER BY id_hash`.execute(db);
  await sql`INSERT INTO usage_event_runs (customer_id, event_name, first_seq, last_seq, min_ts, max_ts)
    SELECT customer_id, event_name, min(seq), max(seq), min(timestamp), max(timestamp) FROM usage_events GROUP BY customer_id, event_name`.execute(
    db,
  );
  await sql`DROP TABLE usage_events_v1`.execute(db);
}

// A frozen copy of usage/event-hash.ts's eventIdHash as it was when this migration was written. A migration
// must do tomorrow exactly what it did the day it shipped, so it imports nothing from a domain: if the domain's
// function ever changed, this copy would not, and the rows it hashed would need a migration of their own.
// The hash is persisted in usage_event_ids; the 0009 test in test/engine/usage/event-storage.test.ts checks
// that events moved here are still found as duplicates by the domain's function.
const TWO_POW_20 = 0x100000;
const TWO_POW_51 = 2 ** 51;

function eventIdHash(eventId: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < eventId.length; i++) {
    const c = eventId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  return (b >>> 0) * TWO_POW_20 + ((a >>> 0) % TWO_POW_20) - TWO_POW_51;
}
