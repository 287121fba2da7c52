import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import { reusableQuery } from '../db/reusable.js';
import type { ScheduledPlanChangesTable, SubscriptionPeriodRunsTable, SubscriptionsTable } from '../db/schema.js';
import type { Currency } from '../money.js';
import type { BillingAddress } from '../payments/types.js';
import type { Interval } from '../products/types.js';
import { fromFlag } from '../shared/flags.js';
import { recurringPreTaxAmount } from '../rules/subscription-plan.js';
import { parseMetadata } from '../shared/metadata.js';
import type { PageWindow } from '../shared/paging.js';
import type {
  ScheduledChange,
  StoredSubscription,
  Subscription,
  SubscriptionAddon,
  SubscriptionCustomer,
  SubscriptionFilter,
  SubscriptionStatus,
} from './types.js';

/** The statuses that hold a customer's "one subscription" slot when allow_multiple_subscriptions is off. */
export const LIVE_STATUSES: readonly SubscriptionStatus[] = ['pending', 'active', 'on_hold'];

export function toStoredSubscription(row: SubscriptionsTable): StoredSubscription {
  return {
    subscription_id: row.subscription_id,
    business_id: row.business_id,
    brand_id: row.brand_id,
    customer_id: row.customer_id,
    product_id: row.product_id,
    quantity: row.quantity,
    unit_price: Number(row.unit_price),
    addons: JSON.parse(row.addons) as SubscriptionAddon[],
    currency: row.currency as Currency,
    tax_inclusive: fromFlag(row.tax_inclusive),
    payment_frequency_count: row.payment_frequency_count,
    payment_frequency_interval: row.payment_frequency_interval as Interval,
    subscription_period_count: row.subscription_period_count,
    subscription_period_interval: row.subscription_period_interval as Interval | null,
    trial_period_days: row.trial_period_days,
    billing_anchor: Number(row.billing_anchor),
    anchor_period_index: row.anchor_period_index,
    period_index: row.period_index,
    previous_billing_date: Number(row.previous_billing_date),
    next_billing_date: Number(row.next_billing_date),
    status: row.status as SubscriptionStatus,
    cancel_at_next_billing_date: fromFlag(row.cancel_at_next_billing_date),
    cancelled_at: row.cancelled_at === null ? null : Number(row.cancelled_at),
    expires_at: row.expires_at === null ? null : Number(row.expires_at),
    on_demand: fromFlag(row.on_demand),
    discount_id: row.discount_id,
    discount_cycles_remaining: row.discount_cycles_remaining,
    payment_method_id: row.payment_method_id,
    billing: row.billing === null ? null : (JSON.parse(row.billing) as BillingAddress),
    credit_balance: Number(row.credit_balance),
    outstanding_amount: Number(row.outstanding_amount),
    collection_id: row.collection_id,
    checkout_session_id: row.checkout_session_id,
    metadata: parseMetadata(row.metadata),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

/** The row for a subscription held in memory (the inverse of toStoredSubscription). */
export function toSubscriptionRow(sub: StoredSubscription): SubscriptionsTable {
  return {
    subscription_id: sub.subscription_id,
    business_id: sub.business_id,
    brand_id: sub.brand_id,
    customer_id: sub.customer_id,
    product_id: sub.product_id,
    quantity: sub.quantity,
    addons: JSON.stringify(sub.addons),
    currency: sub.currency,
    unit_price: sub.unit_price,
    tax_inclusive: sub.tax_inclusive ? 1 : 0,
    payment_frequency_count: sub.payment_frequency_count,
    payment_frequency_interval: sub.payment_frequency_interval,
    subscription_period_count: sub.subscription_period_count,
    subscription_period_interval: sub.subscription_period_interval,
    trial_period_days: sub.trial_period_days,
    billing_anchor: sub.billing_anchor,
    anchor_period_index: sub.anchor_period_index,
    period_index: sub.period_index,
    previous_billing_date: sub.previous_billing_date,
    next_billing_date: sub.next_billing_date,
    status: sub.status,
    cancel_at_next_billing_date: sub.cancel_at_next_billing_date ? 1 : 0,
    cancelled_at: sub.cancelled_at,
    expires_at: sub.expires_at,
    on_demand: sub.on_demand ? 1 : 0,
    discount_id: sub.discount_id,
    discount_cycles_remaining: sub.discount_cycles_remaining,
    payment_method_id: sub.payment_method_id,
    billing: sub.billing === null ? null : JSON.stringify(sub.billing),
    credit_balance: sub.credit_balance,
    outstanding_amount: sub.outstanding_amount,
    collection_id: sub.collection_id,
    checkout_session_id: sub.checkout_session_id,
    metadata: JSON.stringify(sub.metadata),
    created_at: sub.created_at,
    updated_at: sub.updated_at,
  };
}

function toScheduledChange(row: ScheduledPlanChangesTable): ScheduledChange {
  return {
    id: row.change_id,
    product_id: row.product_id,
    quantity: row.quantity,
    addons: JSON.parse(row.addons) as ScheduledChange['addons'],
    effective_at: iso(Number(row.effective_at)),
    created_at: iso(Number(row.created_at)),
  };
}

/** The API view of a stored subscription, with its customer and pending scheduled change. */
export function toSubscription(sub: StoredSubscription, customer: SubscriptionCustomer, scheduled: ScheduledChange | null): Subscription {
  return {
    subscription_id: sub.subscription_id,
    business_id: sub.business_id,
    brand_id: sub.brand_id,
    customer,
    product_id: sub.product_id,
    quantity: sub.quantity,
    addons: sub.addons,
    currency: sub.currency,
    recurring_pre_tax_amount: recurringPreTaxAmount(sub),
    payment_frequency_count: sub.payment_frequency_count,
    payment_frequency_interval: sub.payment_frequency_interval,
    subscription_period_count: sub.subscription_period_count,
    subscription_period_interval: sub.subscription_period_interval,
    trial_period_days: sub.trial_period_days,
    previous_billing_date: iso(sub.previous_billing_date),
    next_billing_date: iso(sub.next_billing_date),
    status: sub.status,
    cancel_at_next_billing_date: sub.cancel_at_next_billing_date,
    cancelled_at: sub.cancelled_at === null ? null : iso(sub.cancelled_at),
    expires_at: sub.expires_at === null ? null : iso(sub.expires_at),
    on_demand: sub.on_demand,
    discount_id: sub.discount_id,
    discount_cycles_remaining: sub.discount_cycles_remaining,
    payment_method_id: sub.payment_method_id,
    tax_inclusive: sub.tax_inclusive,
    billing: sub.billing,
    scheduled_change: scheduled,
    credit_balance: sub.credit_balance,
    outstanding_amount: sub.outstanding_amount,
    collection_id: sub.collection_id,
    metadata: sub.metadata,
    created_at: iso(sub.created_at),
  };
}

export async function insertSubscription(db: Db, sub: StoredSubscription): Promise<void> {
  await db.insertInto('subscriptions').values(toSubscriptionRow(sub)).execute();
}

/** Writes the changed fields of a stored subscription (PATCH-style; subscription_id and business_id never change). */
export async function updateSubscription(
  db: Db,
  subscriptionId: string,
  changes: Partial<Omit<StoredSubscription, 'subscription_id' | 'business_id'>>,
): Promise<void> {
  const row: Partial<SubscriptionsTable> = {};
  const full = toSubscriptionRow({ ...EMPTY, ...changes });
  for (const key of Object.keys(changes) as Array<keyof typeof changes>) {
    (row as Record<string, unknown>)[key] = full[key as keyof SubscriptionsTable];
  }
  if (Object.keys(row).length === 0) return;
  await updateRow(db, row, subscriptionId);
}

const updateRow = reusableQuery((db: Db, row: Partial<SubscriptionsTable>, subscriptionId: string) =>
  db.updateTable('subscriptions').set(row).where('subscription_id', '=', subscriptionId),
);

// A template so toSubscriptionRow can convert a partial change; only the changed keys are written.
const EMPTY: StoredSubscription = {
  subscription_id: '',
  business_id: '',
  brand_id: '',
  customer_id: '',
  product_id: '',
  quantity: 1,
  unit_price: 0,
  addons: [],
  currency: 'USD',
  tax_inclusive: false,
  payment_frequency_count: 1,
  payment_frequency_interval: 'Month',
  subscription_period_count: null,
  subscription_period_interval: null,
  trial_period_days: 0,
  billing_anchor: 0,
  anchor_period_index: 0,
  period_index: 0,
  previous_billing_date: 0,
  next_billing_date: 0,
  status: 'pending',
  cancel_at_next_billing_date: false,
  cancelled_at: null,
  expires_at: null,
  on_demand: false,
  discount_id: null,
  discount_cycles_remaining: null,
  payment_method_id: null,
  billing: null,
  credit_balance: 0,
  outstanding_amount: 0,
  collection_id: null,
  checkout_session_id: null,
  metadata: {},
  created_at: 0,
  updated_at: 0,
};

export async function findStoredSubscription(db: Db, businessId: string, subscriptionId: string): Promise<StoredSubscription | undefined> {
  const [row] = (await selectSubscription(db, businessId, subscriptionId)).rows;
  return row && toStoredSubscription(row);
}

/** The business's subscriptions among `subscriptionIds`, by id (one statement per 500 ids). */
export async function findStoredSubscriptions(
  db: Db,
  businessId: string,
  subscriptionIds: readonly string[],
): Promise<Map<string, StoredSubscription>> {
  const found = new Map<string, StoredSubscription>();
  for (let i = 0; i < subscriptionIds.length; i += 500) {
    const rows = await db
      .selectFrom('subscriptions')
      .selectAll()
      .where('business_id', '=', businessId)
      .where('subscription_id', 'in', subscriptionIds.slice(i, i + 500))
      .execute();
    for (const row of rows) found.set(row.subscription_id, toStoredSubscription(row));
  }
  return found;
}

const selectSubscription = reusableQuery((db: Db, businessId: string, subscriptionId: string) =>
  db.selectFrom('subscriptions').selectAll().where('business_id', '=', businessId).where('subscription_id', '=', subscriptionId),
);

/** The pending scheduled plan change of a subscription (at most one), or null. */
export async function findPendingScheduledChange(db: Db, subscriptionId: string): Promise<ScheduledChange | null> {
  const [row] = (await selectPendingChange(db, subscriptionId)).rows;
  return row ? toScheduledChange(row) : null;
}

const selectPendingChange = reusableQuery((db: Db, subscriptionId: string) =>
  db
    .selectFrom('scheduled_plan_changes')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .orderBy('created_at', 'desc')
    .orderBy('change_id', 'desc'),
);

/** Newest first (ties by id, newest id first, as a frozen clock gives many the same instant). */
export async function listStoredSubscriptions(
  db: Db,
  businessId: string,
  filter: SubscriptionFilter,
  window: PageWindow,
): Promise<StoredSubscription[]> {
  let query = db.selectFrom('subscriptions').selectAll().where('business_id', '=', businessId);
  if (filter.customer_id !== undefined) query = query.where('customer_id', '=', filter.customer_id);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.product_id !== undefined) query = query.where('product_id', '=', filter.product_id);
  const rows = await query.orderBy('created_at', 'desc').orderBy('subscription_id', 'desc').limit(window.fetch).offset(window.offset).execute();
  return rows.map(toStoredSubscription);
}

/** How many of the customer's subscriptions are pending, active or on hold. */
export async function countLiveSubscriptions(db: Db, customerId: string): Promise<number> {
  const row = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_id', '=', customerId)
    .where('status', 'in', [...LIVE_STATUSES])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Subscriptions with work due at or before `until`: active ones whose next_billing_date has come (renewal,
 * trial end, scheduled cancellation; on-demand ones only for their cancellation or term) and live ones
 * whose term has ended. The runner decides what each one needs.
 */
export async function findSubscriptionsDue(db: Db, businessId: string, until: number): Promise<StoredSubscription[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .selectAll()
    .where('business_id', '=', businessId)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('status', '=', 'active'),
          eb('next_billing_date', '<=', until),
          eb.or([eb('on_demand', '=', 0), eb('cancel_at_next_billing_date', '=', 1)]),
        ]),
        eb.and([eb('status', 'in', ['active', 'on_hold']), eb('expires_at', 'is not', null), eb('expires_at', '<=', until)]),
      ]),
    )
    .execute();
  return rows.map(toStoredSubscription);
}

/**
 * The earliest instant any subscription has work due (an active one's billing date, unless it is on-demand
 * without a scheduled cancellation; an active or on-hold one's term end), or null.
 */
export async function earliestDueInstant(db: Db, businessId: string): Promise<number | null> {
  const billing = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.min('next_billing_date').as('at'))
    .where('business_id', '=', businessId)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('on_demand', '=', 0), eb('cancel_at_next_billing_date', '=', 1)]))
    .executeTakeFirst();
  const term = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.min('expires_at').as('at'))
    .where('business_id', '=', businessId)
    .where('status', 'in', ['active', 'on_hold'])
    .executeTakeFirst();
  const instants = [billing?.at, term?.at].filter((v): v is number => v !== null && v !== undefined).map(Number);
  return instants.length === 0 ? null : Math.min(...instants);
}

/**
 * Claims (subscription, period, kind) in the runner's ledger, in the caller's transaction. False when it
 * is already there: that work was done, so the caller must do nothing (running twice bills once).
 */
export async function claimPeriodRun(db: Db, run: { subscription_id: string; period_index: number; kind: string; ran_at: number }): Promise<boolean> {
  const inserted = await insertClaim(db, { ...run, payment_id: null });
  return Number(inserted.numAffectedRows ?? 0n) === 1;
}

const insertClaim = reusableQuery((db: Db, row: SubscriptionPeriodRunsTable) =>
  db
    .insertInto('subscription_period_runs')
    .values(row)
    .onConflict((conflict) => conflict.columns(['subscription_id', 'period_index', 'kind']).doNothing()),
);

export async function setPeriodRunPayment(
  db: Db,
  key: { subscription_id: string; period_index: number; kind: string },
  paymentId: string,
): Promise<void> {
  await updateRunPayment(db, paymentId, key.subscription_id, key.period_index, key.kind);
}

const updateRunPayment = reusableQuery((db: Db, paymentId: string, subscriptionId: string, periodIndex: number, kind: string) =>
  db
    .updateTable('subscription_period_runs')
    .set({ payment_id: paymentId })
    .where('subscription_id', '=', subscriptionId)
    .where('period_index', '=', periodIndex)
    .where('kind', '=', kind),
);

export async function findPeriodRun(
  db: Db,
  subscriptionId: string,
  periodIndex: number,
  kind: string,
): Promise<{ payment_id: string | null; ran_at: number } | undefined> {
  const row = await db
    .selectFrom('subscription_period_runs')
    .select(['payment_id', 'ran_at'])
    .where('subscription_id', '=', subscriptionId)
    .where('period_index', '=', periodIndex)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row && { payment_id: row.payment_id, ran_at: Number(row.ran_at) };
}

/** The status of the subscription's latest payment, for PREVIOUS_PAYMENT_PENDING (SPEC §2.6). */
export async function latestPaymentStatus(db: Db, subscriptionId: string): Promise<string | null> {
  const row = await db
    .selectFrom('payments')
    .select('status')
    .where('subscription_id', '=', subscriptionId)
    .orderBy('created_at', 'desc')
    .orderBy('payment_id', 'desc')
    .executeTakeFirst();
  return row?.status ?? null;
}

/** Row counts of the subscription tables, for tests that check a refused request changed nothing. */
export async function countSubscriptionRows(db: Db): Promise<{ subscriptions: number; period_runs: number }> {
  const subs = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const runs = await db
    .selectFrom('subscription_period_runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return { subscriptions: Number(subs?.n ?? 0), period_runs: Number(runs?.n ?? 0) };
}

/** Marks the subscription's pending scheduled plan change cancelled: it ended before the change could apply. */
export async function cancelPendingScheduledChanges(db: Db, subscriptionId: string, now: number): Promise<void> {
  await db
    .updateTable('scheduled_plan_changes')
    .set({ status: 'cancelled', updated_at: now })
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .execute();
}

/** The sequence of the latest outbox event (0 when none), so a caller can list what it emitted since. */
export async function lastEventSequence(db: Db): Promise<number> {
  const row = await db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.max('sequence').as('last'))
    .executeTakeFirst();
  return Number(row?.last ?? 0);
}

/** The events after `sequence`, in order: their sequence and type. */
export async function eventTypesSince(db: Db, sequence: number): Promise<Array<{ sequence: number; type: string }>> {
  return (await selectEventTypes(db, sequence)).rows;
}

const selectEventTypes = reusableQuery((db: Db, sequence: number) =>
  db.selectFrom('outbox_events').select(['sequence', 'type']).where('sequence', '>', sequence).orderBy('sequence'),
);
