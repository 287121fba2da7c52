import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import type { WebhookAttemptsTable, WebhookEndpointsTable, WebhookMessagesTable } from '../db/schema.js';
import { fromFlag } from '../shared/flags.js';
import { isPostgres } from '../db/postgres-registry.js';
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
  return db.selectFrom('webhook_endpoints').selectAll().where('business_id', '=', businessId).where('webhook_id', '=', webhookId).executeTakeFirst();
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
  const row = await db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.max('sequence').as('last'))
    .executeTakeFirst();
  return Number(row?.last ?? 0);
}

// ---- messages and attempts

/**
 * Writes fanned-out messages. `raw` (SQLite, inside the caller's transaction on the same connection): one
 * prepared INSERT per row, about 4× the Kysely multi-row insert in bench/webhooks.mjs.
 */
export async function insertMessages(db: Db, rows: MessageRow[], raw?: SQLite.Database): Promise<void> {
  if (raw && db.isTransaction) {
    const insert = prepared(raw, 'insertMessage', INSERT_MESSAGE_SQL);
    for (const r of rows) {
      insert.run(
        r.message_id,
        r.webhook_id,
        r.business_id,
        r.event_id,
        r.event_type,
        r.object_id,
        r.event_payload,
        r.occurred_at,
        r.body,
        r.status,
        r.scheduled_attempts,
        r.next_attempt_at,
        r.is_test,
        r.created_at,
        r.updated_at,
      );
    }
    return;
  }
  // SQLite binds at most 32766 variables per statement; 15 columns × 500 rows stays well under.
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('webhook_messages')
      .values(rows.slice(i, i + 500))
      .execute();
}

const INSERT_MESSAGE_SQL =
  'INSERT INTO webhook_messages (message_id, webhook_id, business_id, event_id, event_type, object_id, event_payload, ' +
  'occurred_at, body, status, scheduled_attempts, next_attempt_at, is_test, created_at, updated_at) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_ATTEMPT_SQL =
  'INSERT INTO webhook_attempts (attempt_id, message_id, attempt, trigger, attempted_at, status_code, latency_ms, error, ' +
  'succeeded, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const UPDATE_AFTER_ATTEMPT_SQL =
  'UPDATE webhook_messages SET body = ?, status = ?, scheduled_attempts = ?, next_attempt_at = ?, updated_at = ? WHERE message_id = ?';
const SCHEDULE_SQL = 'SELECT message_id, status, scheduled_attempts, next_attempt_at FROM webhook_messages WHERE message_id = ?';
const ATTEMPT_COUNT_SQL = 'SELECT count(*) AS n FROM webhook_attempts WHERE message_id = ?';

// Several processes: prepared statements per connection, no rows; each run reads the database as it is.
const statements = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

/** The dispatcher's hot statements, prepared once per connection. */
function prepared(raw: SQLite.Database, name: string, text: string): SQLite.Statement {
  let byName = statements.get(raw);
  if (!byName) {
    byName = new Map();
    statements.set(raw, byName);
  }
  let statement = byName.get(name);
  if (!statement) {
    statement = raw.prepare(text);
    byName.set(name, statement);
  }
  return statement;
}

export async function findMessageRow(db: Db, businessId: string, messageId: string): Promise<MessageRow | undefined> {
  return db.selectFrom('webhook_messages').selectAll().where('business_id', '=', businessId).where('message_id', '=', messageId).executeTakeFirst();
}

/** A due message as the dispatcher queues it: which endpoint it goes to. */
export interface DueKey {
  message_id: string;
  webhook_id: string;
}

/**
 * Pending messages of enabled endpoints due at or before `at`, earliest first: only their keys, so one
 * query (and one sort) serves a whole sweep of the dispatcher; rows are read later in small chunks.
 */
export async function dueMessageKeys(db: Db, businessId: string, at: number, limit: number, claims: ClaimScope, sqlite = false): Promise<DueKey[]> {
  const query = db
    .selectFrom('webhook_messages as m')
    .innerJoin('webhook_endpoints as e', 'e.webhook_id', 'm.webhook_id')
    .select(['m.message_id', 'm.webhook_id'])
    .where('m.business_id', '=', businessId)
    .where('m.status', '=', 'pending')
    .where('m.next_attempt_at', '<=', at)
    .where('e.disabled', '=', 0)
    .where(notClaimedByAnother(claims))
    .orderBy('m.next_attempt_at');
  // On SQLite, ties in insertion order (rowid, the due index's own order: no sort): the recorder's batches
  // then touch neighbouring pages, which made recording ~35% cheaper in bench/webhooks.mjs than id order.
  return (sqlite ? query.orderBy(sql`m.rowid`) : query.orderBy('m.message_id')).limit(limit).execute();
}

/** What sending a message needs (not its last body). */
export type SendableMessage = Omit<MessageRow, 'body' | 'business_id' | 'created_at' | 'updated_at'>;

/** Messages by id (at most a few hundred at a time), in no particular order; unknown ids are left out. */
export async function sendableMessages(db: Db, businessId: string, messageIds: readonly string[]): Promise<SendableMessage[]> {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom('webhook_messages')
    .select([
      'message_id',
      'webhook_id',
      'event_id',
      'event_type',
      'object_id',
      'event_payload',
      'occurred_at',
      'status',
      'scheduled_attempts',
      'next_attempt_at',
      'is_test',
    ])
    .where('business_id', '=', businessId)
    .where('message_id', 'in', messageIds)
    .execute();
}

/**
 * The schedule state of messages, for recording attempts against what stands now. The functions taking
 * `raw` use it only inside a transaction (which holds Kysely's one connection, so the raw statements are
 * part of it): prepared statements per row instead of Kysely's, the dispatcher's benchmarked hot path.
 */
export type MessageSchedule = Pick<MessageRow, 'message_id' | 'status' | 'scheduled_attempts' | 'next_attempt_at'>;

export async function messageSchedules(db: Db, messageIds: readonly string[], raw?: SQLite.Database): Promise<MessageSchedule[]> {
  if (raw && db.isTransaction) {
    const select = prepared(raw, 'schedule', SCHEDULE_SQL);
    return messageIds.flatMap((id) => {
      const row = select.get(id) as MessageSchedule | undefined;
      return row ? [row] : [];
    });
  }
  const rows: MessageSchedule[] = [];
  for (const chunk of chunks(messageIds, 500)) {
    rows.push(
      ...(await db
        .selectFrom('webhook_messages')
        .select(['message_id', 'status', 'scheduled_attempts', 'next_attempt_at'])
        .where('message_id', 'in', chunk)
        .execute()),
    );
  }
  return rows;
}

/** Attempts recorded so far per message (messages without any are absent). */
export async function attemptCounts(db: Db, messageIds: readonly string[], raw?: SQLite.Database): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (raw && db.isTransaction) {
    const count = prepared(raw, 'attemptCount', ATTEMPT_COUNT_SQL);
    for (const id of messageIds) {
      const n = Number((count.get(id) as { n: number } | undefined)?.n ?? 0);
      if (n > 0) counts.set(id, n);
    }
    return counts;
  }
  for (const chunk of chunks(messageIds, 500)) {
    const rows = await db
      .selectFrom('webhook_attempts')
      .select((eb) => ['message_id', eb.fn.countAll().as('n')])
      .where('message_id', 'in', chunk)
      .groupBy('message_id')
      .execute();
    for (const row of rows) counts.set(row.message_id, Number(row.n));
  }
  return counts;
}

export async function insertAttempts(db: Db, rows: readonly WebhookAttemptsTable[], raw?: SQLite.Database): Promise<void> {
  if (raw && db.isTransaction) {
    const insert = prepared(raw, 'insertAttempt', INSERT_ATTEMPT_SQL);
    for (const r of rows) {
      insert.run(
        r.attempt_id,
        r.message_id,
        r.attempt,
        r.trigger,
        r.attempted_at,
        r.status_code,
        r.latency_ms,
        r.error,
        r.succeeded,
        r.next_attempt_at,
      );
    }
    return;
  }
  // 10 columns × 300 rows stays well under SQLite's 32766 bound variables.
  for (const chunk of chunks(rows, 300)) await db.insertInto('webhook_attempts').values(chunk).execute();
}

/** A message after an attempt: its last body and schedule. */
export type MessageAfterAttempt = Pick<MessageRow, 'message_id' | 'body' | 'status' | 'scheduled_attempts' | 'next_attempt_at'>;

/**
 * Writes many messages' new body and schedule: on SQLite (`raw`, inside the caller's transaction) one
 * prepared UPDATE each; on PostgreSQL one UPDATE … FROM unnest(arrays) for the whole batch (five array
 * parameters, one plan and one round trip whatever its size); elsewhere one statement per 200 (standard CASE).
 */
export async function updateMessagesAfterAttempts(
  db: Db,
  rows: readonly MessageAfterAttempt[],
  updatedAt: number,
  raw?: SQLite.Database,
): Promise<void> {
  if (raw && db.isTransaction) {
    const update = prepared(raw, 'updateAfterAttempt', UPDATE_AFTER_ATTEMPT_SQL);
    for (const r of rows) update.run(r.body, r.status, r.scheduled_attempts, r.next_attempt_at, updatedAt, r.message_id);
    return;
  }
  if (rows.length === 0) return;
  if (isPostgres(db)) {
    await sql`UPDATE webhook_messages AS m
      SET body = u.body, status = u.status, scheduled_attempts = u.scheduled_attempts, next_attempt_at = u.next_attempt_at, updated_at = ${updatedAt}
      FROM unnest(${rows.map((r) => r.message_id)}::text[], ${rows.map((r) => r.body)}::text[], ${rows.map((r) => r.status)}::text[],
        ${rows.map((r) => r.scheduled_attempts)}::integer[], ${rows.map((r) => r.next_attempt_at)}::bigint[])
        AS u(message_id, body, status, scheduled_attempts, next_attempt_at)
      WHERE m.message_id = u.message_id`.execute(db);
    return;
  }
  for (const chunk of chunks(rows, 200)) {
    const pick = <T>(value: (row: MessageAfterAttempt) => T) =>
      sql<T>`CASE message_id ${sql.join(
        chunk.map((row) => sql`WHEN ${row.message_id} THEN ${value(row)}`),
        sql` `,
      )} END`;
    await db
      .updateTable('webhook_messages')
      .set({
        body: pick((r) => r.body),
        status: pick((r) => r.status),
        scheduled_attempts: pick((r) => r.scheduled_attempts),
        next_attempt_at: pick((r) => r.next_attempt_at),
        updated_at: updatedAt,
      })
      .where(
        'message_id',
        'in',
        chunk.map((r) => r.message_id),
      )
      .execute();
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The earliest next_attempt_at of a pending message to an enabled endpoint, or null. */
export async function earliestDueMessage(db: Db, businessId: string, claims: ClaimScope): Promise<number | null> {
  const row = await db
    .selectFrom('webhook_messages as m')
    .innerJoin('webhook_endpoints as e', 'e.webhook_id', 'm.webhook_id')
    .select((eb) => eb.fn.min('m.next_attempt_at').as('at'))
    .where('m.business_id', '=', businessId)
    .where('m.status', '=', 'pending')
    .where('e.disabled', '=', 0)
    .where(notClaimedByAnother(claims))
    .executeTakeFirst();
  return row?.at == null ? null : Number(row.at);
}

/**
 * Who asks, and the real time now: a message another engine claimed until after `realNow` is that
 * engine's to send (its POST may be in flight); a claim that ran out (its engine died) no longer counts.
 */
export interface ClaimScope {
  owner: string;
  realNow: number;
}

/** For a query over `webhook_messages as m`: m has no claim by another engine that still lasts. */
function notClaimedByAnother(claims: ClaimScope) {
  return sql<boolean>`NOT EXISTS (SELECT 1 FROM webhook_message_claims c WHERE c.message_id = m.message_id AND c.claimed_by <> ${claims.owner} AND c.claimed_until > ${claims.realNow})`;
}

/**
 * Claims, for `claims.owner` until `until` (real ms), those of `messageIds` that are still pending, due at
 * `at` and not claimed by another engine, in the caller's write transaction; returns their ids. No other
 * engine sends a message while its claim lasts; recording the attempt ends it (releaseClaims). With
 * `exclusiveEndpoint`, none is claimed while another engine holds a claim on a message of that endpoint.
 */
export async function claimDueMessages(
  trx: Db,
  messageIds: readonly string[],
  at: number,
  claims: ClaimScope,
  until: number,
  exclusiveEndpoint: string | null = null,
): Promise<string[]> {
  if (messageIds.length === 0) return [];
  const claimable: string[] = [];
  for (const chunk of chunks(messageIds, 500)) {
    let query = trx
      .selectFrom('webhook_messages as m')
      .select('m.message_id')
      .where('m.message_id', 'in', chunk)
      .where('m.status', '=', 'pending')
      .where('m.next_attempt_at', '<=', at)
      .where(notClaimedByAnother(claims));
    // A rate-limited endpoint is sent to by one engine at a time: its throttle lives in that engine's memory.
    if (exclusiveEndpoint !== null) {
      query = query.where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM webhook_message_claims c JOIN webhook_messages o ON o.message_id = c.message_id
          WHERE o.webhook_id = ${exclusiveEndpoint} AND c.claimed_by <> ${claims.owner} AND c.claimed_until > ${claims.realNow})`,
      );
    }
    const rows = await query.execute();
    claimable.push(...rows.map((r) => r.message_id));
  }
  for (const chunk of chunks(claimable, 300)) {
    await trx
      .insertInto('webhook_message_claims')
      .values(chunk.map((message_id) => ({ message_id, claimed_by: claims.owner, claimed_until: until })))
      .onConflict((oc) =>
        oc.column('message_id').doUpdateSet((eb) => ({ claimed_by: eb.ref('excluded.claimed_by'), claimed_until: eb.ref('excluded.claimed_until') })),
      )
      .execute();
  }
  return claimable;
}

/** Ends `owner`'s claims on these messages (their attempts are recorded). */
export async function releaseClaims(trx: Db, messageIds: readonly string[], owner: string): Promise<void> {
  for (const chunk of chunks(messageIds, 500)) {
    await trx.deleteFrom('webhook_message_claims').where('message_id', 'in', chunk).where('claimed_by', '=', owner).execute();
  }
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
