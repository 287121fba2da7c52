import type { Kysely } from 'kysely';

// Several server processes on one database are one engine (issue 12, SPEC D17). Two kinds of work span
// more than one transaction and so need a claim that outlives it, with a lease on real time (the test
// clock jumps; a lease must not expire because simulated time moved):
// - an advance of the test clock: one at a time over every process, the next starting where it ended;
// - a webhook attempt: claimed while its POST is in flight, so no other process sends it too, and sent
//   again by any process once the claim lapses (its sender died before recording the outcome).
export async function up(db: Kysely<unknown>): Promise<void> {
  /** The process running an advance now (a random token per engine), and until when its lease holds (real ms). */
  await db.schema.alterTable('test_clock').addColumn('advance_owner', 'text').execute();
  await db.schema.alterTable('test_clock').addColumn('advance_lease_until', 'bigint').execute();

  await db.schema
    .createTable('webhook_message_claims')
    .addColumn('message_id', 'text', (c) => c.primaryKey().references('webhook_messages.message_id').onDelete('cascade'))
    /** The claiming engine's random token. */
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    /** Real-time ms after which another process may take the message. */
    .addColumn('claimed_until', 'bigint', (c) => c.notNull())
    .execute();
}
