import type { Kysely } from 'kysely';

// Webhook endpoints, their messages (one per event and endpoint, durable so delivery survives a restart)
// and every delivery attempt, plus the outbox cursor the dispatcher has fanned out up to (SPEC §1.17, §4).
// Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('webhook_id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull())
    /** JSON string[]; [] = every event type. */
    .addColumn('filter_types', 'text', (c) => c.notNull())
    /** JSON {name: value}: custom headers sent with every delivery. */
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('rate_limit', 'integer')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    /** After a rotation the old secret keeps signing until previous_secret_expires_at (24 h). */
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_endpoints_by_business').on('webhook_endpoints').columns(['business_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_messages')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhook_endpoints.webhook_id').onDelete('cascade'))
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text')
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    /** The event's own payload (JSON): the body's data when the object's latest state cannot be read. */
    .addColumn('event_payload', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    /** The last body sent (JSON text), null before the first attempt. */
    .addColumn('body', 'text')
    /** pending | succeeded | failed */
    .addColumn('status', 'text', (c) => c.notNull())
    /** Scheduled attempts made (at most 8); manual replays are not counted. */
    .addColumn('scheduled_attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('is_test', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_messages_due').on('webhook_messages').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_messages_by_endpoint').on('webhook_messages').columns(['webhook_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('attempt_id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().references('webhook_messages.message_id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    /** scheduled | manual | test */
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('attempted_at', 'bigint', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_attempts_by_message').on('webhook_attempts').columns(['message_id', 'attempt']).execute();

  await db.schema
    .createTable('webhook_dispatch_cursor')
    .addColumn('business_id', 'text', (c) => c.primaryKey())
    .addColumn('last_sequence', 'integer', (c) => c.notNull())
    .execute();
}
