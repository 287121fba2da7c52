import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import type { WebhookAttemptsTable, WebhookEndpointsTable, WebhookMessagesTable } from '../db/schema.js';
import { fromFlag } from '../shared/flags.js';
import type { PageWindow } from '../shared/paging.js';
import type { AttemptTrigger, DeliveryFilter, DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './types.js';

export type EndpointRow = WebhookEndpointsTable;
export type MessageRow = WebhookMessagesTable;

export function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.webhook_id,
    url: row.url,
    description: row.description,
    disabled: fromFlag(row.disabled),
    filter_types: JSON.parse(row.filter_types) as string[],
    rate_limit: row.rate_limit,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export async function findEndpointRow(db: Db, businessId: string, webhookId: string): Promise<EndpointRow | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('webhook_id', '=', webhookId)
    .executeTakeFirst();
}

export async function listEndpointRows(db: Db, businessId: string, window: PageWindow): Promise<EndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('business_id', '=', businessId)
    .orderBy('created_at')
    .orderBy('webhook_id')
    .limit(window.fetch)
    .offset(window.offset)
    .execute();
}

/** Endpoints that receive events: enabled ones, for the fan-out. */
export async function enabledEndpointRows(db: Db, businessId: string): Promise<EndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().where('business_id', '=', businessId).where('disabled', '=', 0).execute();
}

export async function insertEndpoint(db: Db, row: EndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

export async function updateEndpointRow(db: Db, webhookId: string, patch: Partial<Omit<EndpointRow, 'webhook_id' | 'business_id'>>): Promise<void> {
  await db.updateTable('webhook_endpoints').set(patch).where('webhook_id', '=', webhookId).execute();
}

/** Deletes an endpoint with its messages and attempts. */
export async function deleteEndpointRow(db: Db, webhookId: string): Promise<void> {
  const messages = db.selectFrom('webhook_messages').select('message_id').where('webhook_id', '=', webhookId);
  await db.deleteFrom('webhook_attempts').where('message_id', 'in', messages).execute();
  await db.deleteFrom('webhook_messages').where('webhook_id', '=', webhookId).execute();
  await db.deleteFrom('webhook_endpoints').where('webhook_id', '=', webhookId).execute();
}

// ---- the outbox cursor

export async function findCursor(db: Db, businessId: string): Promise<number | undefined> {
  const row = await db.selectFrom('webhook_dispatch_cursor').select('last_sequence').where('business_id', '=', businessId).executeTakeFirst();
  return row?.last_sequence;
}

export async function saveCursor(db: Db, businessId: string, lastSequence: number): Promise<void> {
  await db
    .insertInto('webhook_dispatch_cursor')
    .values({ business_id: businessId, last_sequence: lastSequence })
    .onConflict((oc) => oc.column('business_id').doUpdateSet({ last_sequence: lastSequence }))
    .execute();
}

/** The last outbox sequence written, 0 when none. */
export async function lastOutboxSequence(db: Db): Promise<number> {
  const row = await db.selectFrom('outbox_events').select((eb) => eb.fn.max('sequence').as('last')).executeTakeFirst();
  return Number(row?.last ?? 0);
}

// ---- messages and attempts

export async function insertMessages(db: Db, rows: MessageRow[]): Promise<void> {
  // SQLite binds at most 32766 variables per statement; 15 columns × 500 rows stays well under.
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('webhook_messages').values(rows.slice(i, i + 500)).execute();
}

export async function findMessageRow(db: Db, businessId: string, messageId: string): Promise<MessageRow | undefined> {
  return db
    .selectFrom('webhook_messages')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
}

/** Pending messages of enabled endpoints due at or before `at`, earliest first. */
export async function dueMessageRows(db: Db, businessId: string, at: number, limit: number): Promise<MessageRow[]> {
  return db
    .selectFrom('webhook_messages as m')
    .innerJoin('webhook_endpoints as e', 'e.webhook_id', 'm.webhook_id')
    .selectAll('m')
    .where('m.business_id', '=', businessId)
    .where('m.status', '=', 'pending')
    .where('m.next_attempt_at', '<=', at)
    .where('e.disabled', '=', 0)
    .orderBy('m.next_attempt_at')
    .orderBy('m.message_id')
    .limit(limit)
    .execute();
}

/** The earliest next_attempt_at of a pending message to an enabled endpoint, or null. */
export async function earliestDueMessage(db: Db, businessId: string): Promise<number | null> {
  const row = await db
    .selectFrom('webhook_messages as m')
    .innerJoin('webhook_endpoints as e', 'e.webhook_id', 'm.webhook_id')
    .select((eb) => eb.fn.min('m.next_attempt_at').as('at'))
    .where('m.business_id', '=', businessId)
    .where('m.status', '=', 'pending')
    .where('e.disabled', '=', 0)
    .executeTakeFirst();
  return row?.at == null ? null : Number(row.at);
}

export async function updateMessageRow(db: Db, messageId: string, patch: Partial<Omit<MessageRow, 'message_id' | 'business_id'>>): Promise<void> {
  await db.updateTable('webhook_messages').set(patch).where('message_id', '=', messageId).execute();
}

export async function insertAttempt(db: Db, row: WebhookAttemptsTable): Promise<void> {
  await db.insertInto('webhook_attempts').values(row).execute();
}

export async function attemptCount(db: Db, messageId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_attempts')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function listMessageRows(db: Db, businessId: string, filter: DeliveryFilter, window: PageWindow): Promise<MessageRow[]> {
  let query = db.selectFrom('webhook_messages').selectAll().where('business_id', '=', businessId);
  if (filter.webhook_id !== undefined) query = query.where('webhook_id', '=', filter.webhook_id);
  if (filter.event_type !== undefined) query = query.where('event_type', '=', filter.event_type);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  return query.orderBy('created_at', 'desc').orderBy('message_id', 'desc').limit(window.fetch).offset(window.offset).execute();
}

export async function attemptsOf(db: Db, messageIds: string[]): Promise<Map<string, WebhookAttempt[]>> {
  const byMessage = new Map<string, WebhookAttempt[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('message_id', 'in', messageIds)
    .orderBy('message_id')
    .orderBy('attempt')
    .execute();
  for (const row of rows) {
    const list = byMessage.get(row.message_id) ?? [];
    list.push({
      attempt: row.attempt,
      trigger: row.trigger as AttemptTrigger,
      attempted_at: iso(row.attempted_at),
      status_code: row.status_code,
      latency_ms: row.latency_ms,
      error: row.error,
      succeeded: fromFlag(row.succeeded),
      next_attempt_at: row.next_attempt_at === null ? null : iso(row.next_attempt_at),
    });
    byMessage.set(row.message_id, list);
  }
  return byMessage;
}

export function toDelivery(row: MessageRow, attempts: WebhookAttempt[]): WebhookDelivery {
  return {
    message_id: row.message_id,
    webhook_id: row.webhook_id,
    event_id: row.event_id,
    event_type: row.event_type,
    object_id: row.object_id,
    status: row.status as DeliveryStatus,
    attempt_count: row.scheduled_attempts,
    next_attempt_at: row.next_attempt_at === null ? null : iso(row.next_attempt_at),
    is_test: fromFlag(row.is_test),
    payload: row.body === null ? null : (JSON.parse(row.body) as unknown),
    attempts,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}
