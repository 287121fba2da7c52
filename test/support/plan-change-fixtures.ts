import type { Product } from '../../src/engine/products/types.js';
import type { Subscription } from '../../src/engine/subscriptions/types.js';
import { CARD_DECLINED, CARD_OK } from './checkout-fixtures.js';
import { createTestEngine, type TestEngine, type TestEngineOptions } from './test-engine.js';

/** SPEC §3: Basic 3000/month, Pro 8000/month, subscribed 2025-04-01, changed on 2025-04-11 (f = 20/30). */
export const BASIC_PRICE = 3000;
export const PRO_PRICE = 8000;
export const SEAT_PRICE = 500;

/** Midnight UTC of a 2025-style date, as epoch ms: day('2025-04-11'). */
export function day(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}

export function isoDay(date: string): string {
  return `${date}T00:00:00.000Z`;
}

export interface PlanWorld {
  engine: TestEngine;
  basic: Product;
  pro: Product;
  /** 30000 a year. */
  yearly: Product;
  /** A seat addon, 500 per seat, attached to Basic and Pro. */
  seat: string;
}

/** A fresh engine on 2025-04-01 with the SPEC §3 catalogue; `webhooks` as createTestEngine takes them. */
export async function planWorld(options: { trial_period_days?: number; webhooks?: TestEngineOptions['webhooks'] } = {}): Promise<PlanWorld> {
  const engine = await createTestEngine(isoDay('2025-04-01'), options.webhooks === undefined ? {} : { webhooks: options.webhooks });
  const seat = await engine.addons.create({ name: 'Seat', price: SEAT_PRICE, currency: 'USD', tax_category: 'saas' });
  const monthly = (name: string, price: number) =>
    engine.products.create({
      name,
      tax_category: 'saas',
      addons: [seat.addon_id],
      price: {
        type: 'recurring_price',
        currency: 'USD',
        price,
        payment_frequency_count: 1,
        payment_frequency_interval: 'Month',
        ...(options.trial_period_days !== undefined && { trial_period_days: options.trial_period_days }),
      },
    });
  const basic = await monthly('Basic', BASIC_PRICE);
  const pro = await monthly('Pro', PRO_PRICE);
  const yearly = await engine.products.create({
    name: 'Basic yearly',
    tax_category: 'saas',
    price: { type: 'recurring_price', currency: 'USD', price: 30000, payment_frequency_count: 1, payment_frequency_interval: 'Year' },
  });
  return { engine, basic, pro, yearly, seat: seat.addon_id };
}

export interface SubscribeOptions {
  quantity?: number;
  addons?: Array<{ addon_id: string; quantity: number }>;
  declined?: boolean;
  trial_period_days?: number;
  discount_code?: string;
}

let buyers = 0;

/** A new customer with a saved card subscribes to `product` now; the first period is charged (or a trial starts). */
export async function subscribe(engine: TestEngine, product: Product, options: SubscribeOptions = {}): Promise<Subscription> {
  buyers += 1;
  const customer = await engine.customers.create({ email: `buyer${buyers}@example.com`, name: `Buyer ${buyers}` });
  const method = await engine.customers.createPaymentMethod(customer.customer_id, CARD_OK);
  const { subscription } = await engine.subscriptions.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_id: product.product_id,
    quantity: options.quantity ?? 1,
    ...(options.addons !== undefined && { addons: options.addons }),
    ...(options.trial_period_days !== undefined && { trial_period_days: options.trial_period_days }),
    ...(options.discount_code !== undefined && { discount_code: options.discount_code }),
  });
  if (options.declined) await engine.customers.setPaymentMethodFailure(method.payment_method_id, 'CARD_DECLINED');
  return subscription;
}

/** A second saved card for the subscription's customer: the good one (4242…) unless told otherwise. */
export async function addCard(engine: TestEngine, customerId: string, declined = false): Promise<string> {
  const method = await engine.customers.createPaymentMethod(customerId, declined ? CARD_DECLINED : CARD_OK);
  return method.payment_method_id;
}

/** Moves the test clock to `date` (midnight UTC), running every renewal due on the way. */
export async function advanceTo(engine: TestEngine, date: string): Promise<void> {
  await engine.testClock.advance({ to: isoDay(date) });
}

/** The subscription's payments oldest first, as [date, total_amount, status]. */
export async function paymentsOf(engine: TestEngine, subscriptionId: string): Promise<Array<[string, number, string]>> {
  const rows = await engine.ctx.db
    .selectFrom('payments')
    .select(['created_at', 'total_amount', 'status', 'payment_id'])
    .where('subscription_id', '=', subscriptionId)
    .orderBy('created_at')
    .orderBy('payment_id')
    .execute();
  return rows.map((r) => [new Date(Number(r.created_at)).toISOString().slice(0, 10), Number(r.total_amount), r.status]);
}

/** The subscription's events oldest first, as types. */
export async function eventTypes(engine: TestEngine, subscriptionId: string, paymentIds: readonly string[] = []): Promise<string[]> {
  const rows = await engine.ctx.db.selectFrom('outbox_events').select(['type', 'object_id']).orderBy('sequence').execute();
  const ids = new Set([subscriptionId, ...paymentIds]);
  return rows.filter((r) => r.object_id !== null && ids.has(r.object_id)).map((r) => r.type);
}

/** Outbox events written after `sequence`, as types. */
export async function eventsSince(engine: TestEngine, sequence: number): Promise<string[]> {
  const rows = await engine.ctx.db.selectFrom('outbox_events').select('type').where('sequence', '>', sequence).orderBy('sequence').execute();
  return rows.map((r) => r.type);
}

export async function lastSequence(engine: TestEngine): Promise<number> {
  const row = await engine.ctx.db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.max('sequence').as('last'))
    .executeTakeFirst();
  return Number(row?.last ?? 0);
}

/** Row counts of every table a plan change may write, for "a preview or a refusal changed nothing". */
export async function planChangeState(engine: TestEngine) {
  const db = engine.ctx.db;
  const tables = [
    'subscriptions',
    'scheduled_plan_changes',
    'payments',
    'payment_line_items',
    'invoices',
    'outbox_events',
    'wallet_ledger_entries',
    'subscription_period_runs',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  }
  const subscriptions = await db.selectFrom('subscriptions').selectAll().orderBy('subscription_id').execute();
  const scheduled = await db.selectFrom('scheduled_plan_changes').selectAll().orderBy('change_id').execute();
  const wallets = await db.selectFrom('wallets').selectAll().orderBy('customer_id').execute();
  const discounts = await db.selectFrom('discounts').select(['discount_id', 'times_used']).orderBy('discount_id').execute();
  return { counts, subscriptions, scheduled, wallets, discounts };
}
