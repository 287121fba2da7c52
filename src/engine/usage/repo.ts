import type SQLite from 'better-sqlite3';
import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import type { SubscriptionUsageLinesTable } from '../db/schema.js';
import type { AggregatedEvent } from '../meters/matching.js';
import { type UsageEventRow, parseUsageMetadata } from './rules.js';
import type { UsageEvent } from './types.js';

export async function findCustomerIds(db: Db, businessId: string, customerIds: readonly string[]): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('customers')
    .select('customer_id')
    .where('business_id', '=', businessId)
    .where('customer_id', 'in', customerIds)
    .execute();
  return new Set(rows.map((r) => r.customer_id));
}

const INSERT_SQL =
  'INSERT INTO usage_events (event_id, business_id, customer_id, event_name, timestamp, metadata) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING';
const insertStatements = new WeakMap<SQLite.Database, SQLite.Statement>();

/**
 * Stores the rows, skipping event ids already stored; returns how many were new. Must run inside the
 * caller's transaction. On SQLite opened by openDatabase it runs one cached prepared statement per row on
 * the raw connection (the ingestion benchmark: ~3× the Kysely multi-row insert); the connection is the one
 * the transaction holds, so the rows commit or roll back with it. Elsewhere, portable multi-row inserts.
 */
export async function insertUsageEvents(trx: Db, raw: SQLite.Database | undefined, rows: readonly UsageEventRow[]): Promise<number> {
  if (!trx.isTransaction) throw new Error('insertUsageEvents must run inside the ingest transaction');
  if (raw) {
    let statement = insertStatements.get(raw);
    if (!statement) {
      statement = raw.prepare(INSERT_SQL);
      insertStatements.set(raw, statement);
    }
    let inserted = 0;
    for (const r of rows) inserted += statement.run(r.event_id, r.business_id, r.customer_id, r.event_name, r.timestamp, r.metadata).changes;
    return inserted;
  }
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 100) {
    const result = await trx
      .insertInto('usage_events')
      .values(rows.slice(i, i + 100))
      .onConflict((oc) => oc.column('event_id').doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

function toEvent(row: UsageEventRow): UsageEvent {
  return {
    event_id: row.event_id,
    business_id: row.business_id,
    customer_id: row.customer_id,
    event_name: row.event_name,
    timestamp: iso(row.timestamp),
    metadata: parseUsageMetadata(row.metadata),
  };
}

export async function findUsageEvent(db: Db, businessId: string, eventId: string): Promise<UsageEvent | undefined> {
  const row = await db
    .selectFrom('usage_events')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('business_id', '=', businessId)
    .executeTakeFirst();
  return row && toEvent(row);
}

export interface EventQuery {
  customer_id?: string | undefined;
  event_name?: string | undefined;
  start?: number | undefined;
  end?: number | undefined;
}

/** Events newest first (timestamp, then event_id), `limit` from `offset`. */
export async function listUsageEvents(db: Db, businessId: string, query: EventQuery, offset: number, limit: number): Promise<UsageEvent[]> {
  let q = db.selectFrom('usage_events').selectAll().where('business_id', '=', businessId);
  if (query.customer_id !== undefined) q = q.where('customer_id', '=', query.customer_id);
  if (query.event_name !== undefined) q = q.where('event_name', '=', query.event_name);
  if (query.start !== undefined) q = q.where('timestamp', '>=', query.start);
  if (query.end !== undefined) q = q.where('timestamp', '<', query.end);
  const rows = await q.orderBy('timestamp', 'desc').orderBy('event_id', 'desc').limit(limit).offset(offset).execute();
  return rows.map(toEvent);
}

/** One customer's events of one name in [start, end), oldest first: what a meter aggregates. */
export async function eventsInPeriod(db: Db, customerId: string, eventName: string, start: number, end: number): Promise<AggregatedEvent[]> {
  const rows = await db
    .selectFrom('usage_events')
    .select(['timestamp', 'metadata'])
    .where('customer_id', '=', customerId)
    .where('event_name', '=', eventName)
    .where('timestamp', '>=', start)
    .where('timestamp', '<', end)
    .orderBy('timestamp')
    .execute();
  return rows.map((r) => ({ timestamp: r.timestamp, metadata: parseUsageMetadata(r.metadata) }));
}

/** The count a meter without filter needs, from the index alone. */
export async function countEventsInPeriod(db: Db, customerId: string, eventName: string, start: number, end: number): Promise<number> {
  const row = await db
    .selectFrom('usage_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_id', '=', customerId)
    .where('event_name', '=', eventName)
    .where('timestamp', '>=', start)
    .where('timestamp', '<', end)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface PlanChangeFact {
  at: number;
  from_product_id: string;
  to_product_id: string;
}

/** The subscription's plan changes with start ≤ at ≤ end, oldest first, from their plan_changed events (D6). */
export async function planChangesBetween(db: Db, subscriptionId: string, start: number, end: number): Promise<PlanChangeFact[]> {
  const rows = await db
    .selectFrom('outbox_events')
    .select(['payload', 'occurred_at'])
    .where('object_id', '=', subscriptionId)
    .where('type', '=', 'subscription.plan_changed')
    .where('occurred_at', '>=', start)
    .where('occurred_at', '<=', end)
    .orderBy('occurred_at')
    .orderBy('sequence')
    .execute();
  return rows.flatMap((r) => {
    const payload = JSON.parse(r.payload) as { plan_change?: { previous_plan?: { product_id?: string }; new_plan?: { product_id?: string } } };
    const from = payload.plan_change?.previous_plan?.product_id;
    const to = payload.plan_change?.new_plan?.product_id;
    return from && to ? [{ at: r.occurred_at, from_product_id: from, to_product_id: to }] : [];
  });
}

/** The customer's active usage-based subscriptions whose product has the meter, oldest first (attribution). */
export async function activeSubscriptionsWithMeter(db: Db, businessId: string, customerId: string, meterId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .innerJoin('product_meters', 'product_meters.product_id', 'subscriptions.product_id')
    .select('subscriptions.subscription_id')
    .where('subscriptions.business_id', '=', businessId)
    .where('subscriptions.customer_id', '=', customerId)
    .where('subscriptions.status', '=', 'active')
    .where('product_meters.meter_id', '=', meterId)
    .orderBy('subscriptions.created_at')
    .orderBy('subscriptions.subscription_id')
    .execute();
  return rows.map((r) => r.subscription_id);
}

export async function insertUsageLines(db: Db, lines: readonly SubscriptionUsageLinesTable[]): Promise<void> {
  if (lines.length === 0) return;
  await db.insertInto('subscription_usage_lines').values([...lines]).execute();
}

export async function findUsageLines(db: Db, subscriptionId: string): Promise<SubscriptionUsageLinesTable[]> {
  return db
    .selectFrom('subscription_usage_lines')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('period_start')
    .orderBy('position')
    .execute();
}

/**
 * Attribution for every meter of a period at once (AMBIG-11): per meter, the customer's oldest active
 * subscription whose product has it. One query per subscription billed, not one per meter link.
 */
export async function oldestActiveSubscriptionByMeter(
  db: Db,
  businessId: string,
  customerId: string,
  meterIds: readonly string[],
): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  if (meterIds.length === 0) return owners;
  const rows = await db
    .selectFrom('subscriptions')
    .innerJoin('product_meters', 'product_meters.product_id', 'subscriptions.product_id')
    .select(['subscriptions.subscription_id', 'product_meters.meter_id'])
    .where('subscriptions.business_id', '=', businessId)
    .where('subscriptions.customer_id', '=', customerId)
    .where('subscriptions.status', '=', 'active')
    .where('product_meters.meter_id', 'in', meterIds)
    .orderBy('subscriptions.created_at')
    .orderBy('subscriptions.subscription_id')
    .execute();
  for (const row of rows) if (!owners.has(row.meter_id)) owners.set(row.meter_id, row.subscription_id);
  return owners;
}

/** Whether the period starting at `periodStart` already has its meter lines recorded (it was billed). */
export async function hasUsageLines(db: Db, subscriptionId: string, periodStart: number): Promise<boolean> {
  const row = await db
    .selectFrom('subscription_usage_lines')
    .select('position')
    .where('subscription_id', '=', subscriptionId)
    .where('period_start', '=', periodStart)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
