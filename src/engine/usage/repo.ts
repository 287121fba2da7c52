import type { Db } from '../db/database.js';
import { reusableQuery } from '../db/reusable.js';
import type { SubscriptionUsageLinesTable } from '../db/schema.js';

// Usage events themselves are kept by the UsageEventStore (store.ts); these are the billing reads around them.

export interface PlanChangeFact {
  at: number;
  from_product_id: string;
  to_product_id: string;
}

/** The subscription's plan changes with start ≤ at ≤ end, oldest first, from their plan_changed events (D6). */
export async function planChangesBetween(db: Db, subscriptionId: string, start: number, end: number): Promise<PlanChangeFact[]> {
  const { rows } = await selectPlanChanges(db, subscriptionId, start, end);
  return rows.flatMap((r) => {
    const payload = JSON.parse(r.payload) as { plan_change?: { previous_plan?: { product_id?: string }; new_plan?: { product_id?: string } } };
    const from = payload.plan_change?.previous_plan?.product_id;
    const to = payload.plan_change?.new_plan?.product_id;
    return from && to ? [{ at: r.occurred_at, from_product_id: from, to_product_id: to }] : [];
  });
}

const selectPlanChanges = reusableQuery((db: Db, subscriptionId: string, start: number, end: number) =>
  db
    .selectFrom('outbox_events')
    .select(['payload', 'occurred_at'])
    .where('object_id', '=', subscriptionId)
    .where('type', '=', 'subscription.plan_changed')
    .where('occurred_at', '>=', start)
    .where('occurred_at', '<=', end)
    .orderBy('occurred_at')
    .orderBy('sequence'),
);

export async function insertUsageLines(db: Db, lines: readonly SubscriptionUsageLinesTable[]): Promise<void> {
  if (lines.length === 0) return;
  await insertLineRows(db, [...lines]);
}

const insertLineRows = reusableQuery((db: Db, rows: SubscriptionUsageLinesTable[]) => db.insertInto('subscription_usage_lines').values(rows));

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
 * The lines recorded for the subscription's period that ends at `periodEnd` (empty when none was billed).
 * Every renewal asks (late usage, billing.ts), usage-based or not: compiled once per connection.
 */
export async function findUsageLinesOfPeriodEnding(db: Db, subscriptionId: string, periodEnd: number): Promise<SubscriptionUsageLinesTable[]> {
  return (await selectLinesOfPeriodEnding(db, subscriptionId, periodEnd)).rows;
}

const selectLinesOfPeriodEnding = reusableQuery((db: Db, subscriptionId: string, periodEnd: number) =>
  db
    .selectFrom('subscription_usage_lines')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('period_end', '=', periodEnd)
    .orderBy('position'),
);

/** One of a customer's subscriptions, with a meter its product has now (null: none of those asked about). */
export interface CustomerSubscriptionMeter {
  subscription_id: string;
  status: string;
  meter_id: string | null;
}

/**
 * The customer's subscriptions, oldest first, each with the meters among `meterIds` its product has: what
 * attribution needs for every meter of a period in one query (AMBIG-11), instead of one per meter link.
 * The query reads every meter of their products and the ids asked about are picked here, so it has the same
 * SQL for any list of ids and is compiled once (reusableQuery): a subscription whose product has meters A and
 * B, asked about [A], gives one row with A; asked about [C], one row with null.
 */
export async function customerSubscriptionMeters(
  db: Db,
  businessId: string,
  customerId: string,
  meterIds: readonly string[],
): Promise<CustomerSubscriptionMeter[]> {
  if (meterIds.length === 0) return [];
  const { rows } = await selectSubscriptionMeters(db, businessId, customerId);
  const result: CustomerSubscriptionMeter[] = [];
  for (const row of rows) {
    const asked = row.meter_id !== null && meterIds.includes(row.meter_id);
    const last = result.at(-1);
    const sameAsLast = last !== undefined && last.subscription_id === row.subscription_id;
    if (asked) {
      // An earlier row of this subscription with none of the asked meters gives way to this one.
      if (sameAsLast && last.meter_id === null) result.pop();
      result.push({ subscription_id: row.subscription_id, status: row.status, meter_id: row.meter_id });
    } else if (!sameAsLast) {
      result.push({ subscription_id: row.subscription_id, status: row.status, meter_id: null });
    }
  }
  return result;
}

const selectSubscriptionMeters = reusableQuery((db: Db, businessId: string, customerId: string) =>
  db
    .selectFrom('subscriptions')
    .leftJoin('product_meters', 'product_meters.product_id', 'subscriptions.product_id')
    .select(['subscriptions.subscription_id', 'subscriptions.status', 'product_meters.meter_id'])
    .where('subscriptions.business_id', '=', businessId)
    .where('subscriptions.customer_id', '=', customerId)
    .orderBy('subscriptions.created_at')
    .orderBy('subscriptions.subscription_id'),
);

/**
 * Per meter, where the usage the customer's other subscriptions billed within [start, end) ends: the
 * latest segment_end of their recorded lines overlapping it (a cancelled older subscription billed its
 * closing period up to its cancellation; a later owner measures from there).
 */
export async function usageBilledElsewhereUntil(
  db: Db,
  customerId: string,
  subscriptionId: string,
  meterIds: readonly string[],
  start: number,
  end: number,
): Promise<Map<string, number>> {
  if (meterIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('subscription_usage_lines')
    .innerJoin('subscriptions', 'subscriptions.subscription_id', 'subscription_usage_lines.subscription_id')
    .select((eb) => ['subscription_usage_lines.meter_id', eb.fn.max('subscription_usage_lines.segment_end').as('until')])
    .where('subscriptions.customer_id', '=', customerId)
    .where('subscription_usage_lines.subscription_id', '!=', subscriptionId)
    .where('subscription_usage_lines.meter_id', 'in', meterIds)
    .where('subscription_usage_lines.segment_start', '<', end)
    .where('subscription_usage_lines.segment_end', '>', start)
    .groupBy('subscription_usage_lines.meter_id')
    .execute();
  return new Map(rows.map((r) => [r.meter_id, Number(r.until)]));
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
