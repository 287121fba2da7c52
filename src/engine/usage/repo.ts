import type { Db } from '../db/database.js';
import type { SubscriptionUsageLinesTable } from '../db/schema.js';

// Usage events themselves are stored by event-repo.ts; these are the billing reads around them.

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
