import type { Insertable } from 'kysely';
import { iso } from '../clock.js';
import type { EngineContext } from '../context.js';
import type { Db } from '../db/database.js';
import type { OutboxEventsTable } from '../db/schema.js';
import { reusableQuery } from '../db/reusable.js';

/** The event types of SPEC §4 that the engine emits. */
export type EventType =
  | 'payment.processing'
  | 'payment.succeeded'
  | 'payment.failed'
  | 'payment.cancelled'
  | 'refund.succeeded'
  | 'refund.failed'
  | 'subscription.active'
  | 'subscription.renewed'
  | 'subscription.on_hold'
  | 'subscription.plan_changed'
  | 'subscription.cancelled'
  | 'subscription.failed'
  | 'subscription.expired'
  | 'subscription.updated'
  | 'license_key.created';

export interface OutboxEvent {
  sequence: number;
  event_id: string;
  business_id: string;
  type: string;
  object_id: string | null;
  payload: unknown;
  occurred_at: string;
}

export interface NewEvent {
  type: EventType;
  objectId: string | null;
  payload: unknown;
}

/**
 * Writes an event in the caller's transaction (`ctx.db`, a transaction: a Scope's `tx`): the change and its
 * event commit together, so a crash never leaves a charge without its `payment.succeeded` or an event for
 * a charge that was rolled back.
 */
export async function recordEvent(ctx: EngineContext, event: NewEvent): Promise<string> {
  if (!ctx.db.isTransaction) throw new Error('recordEvent must run inside the transaction of the change it reports');
  const event_id = ctx.ids.next('event');
  await insertEvent(ctx.db, {
    event_id,
    business_id: ctx.businessId,
    type: event.type,
    object_id: event.objectId,
    payload: JSON.stringify(event.payload),
    occurred_at: ctx.clock.now(),
  });
  return event_id;
}

const insertEvent = reusableQuery((db: Db, row: Insertable<OutboxEventsTable>) => db.insertInto('outbox_events').values(row));

/** Events after `afterSequence`, oldest first: what a dispatcher has not yet seen. */
export async function eventsAfter(db: Db, afterSequence: number, limit: number): Promise<OutboxEvent[]> {
  const rows = await db.selectFrom('outbox_events').selectAll().where('sequence', '>', afterSequence).orderBy('sequence').limit(limit).execute();
  return rows.map((row) => ({
    sequence: row.sequence,
    event_id: row.event_id,
    business_id: row.business_id,
    type: row.type,
    object_id: row.object_id,
    payload: JSON.parse(row.payload) as unknown,
    occurred_at: iso(row.occurred_at),
  }));
}
