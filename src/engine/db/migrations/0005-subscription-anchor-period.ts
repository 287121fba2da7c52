import type { Kysely } from 'kysely';

// The period that starts at a subscription's billing anchor. Periods are numbered from 0 and only grow,
// because (subscription, period_index, kind) keys the due-work runner's ledger; re-anchoring (a trial's end,
// a moved next_billing_date, a plan change that resets the cycle) sets the anchor and this index together,
// so period k starts at anchor + (k − anchor_period_index) × frequency. Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('subscriptions')
    .addColumn('anchor_period_index', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
