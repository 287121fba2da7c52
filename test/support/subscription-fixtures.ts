import type { Customer, PaymentMethod } from '../../src/engine/customers/types.js';
import type { Engine } from '../../src/engine/index.js';
import type { Product } from '../../src/engine/products/types.js';
import type { Interval } from '../../src/engine/products/types.js';
import { CARD_DECLINED, CARD_OK } from './checkout-fixtures.js';

/** A customer with one saved card: 4242… (succeeds) unless `declining`, then 4000 0000 0000 0002. */
export async function customerWithCard(
  engine: Engine,
  options: { email?: string; declining?: boolean } = {},
): Promise<{ customer: Customer; method: PaymentMethod }> {
  const customer = await engine.customers.create({ email: options.email ?? 'ann@example.com', name: 'Ann' });
  const method = await engine.customers.createPaymentMethod(customer.customer_id, options.declining ? CARD_DECLINED : CARD_OK);
  return { customer, method };
}

export interface PlanOptions {
  name?: string;
  price?: number;
  every?: number;
  interval?: Interval;
  trial_period_days?: number;
  term?: { count: number; interval: Interval };
  addons?: string[];
  tax_inclusive?: boolean;
}

/** A recurring plan: $30.00 every 1 Month unless told otherwise. */
export function plan(engine: Engine, options: PlanOptions = {}): Promise<Product> {
  return engine.products.create({
    name: options.name ?? 'Basic',
    tax_category: 'saas',
    ...(options.addons !== undefined && { addons: options.addons }),
    price: {
      type: 'recurring_price',
      currency: 'USD',
      price: options.price ?? 3000,
      payment_frequency_count: options.every ?? 1,
      payment_frequency_interval: options.interval ?? 'Month',
      ...(options.trial_period_days !== undefined && { trial_period_days: options.trial_period_days }),
      ...(options.term && { subscription_period_count: options.term.count, subscription_period_interval: options.term.interval }),
      ...(options.tax_inclusive !== undefined && { tax_inclusive: options.tax_inclusive }),
    },
  });
}

/** Outbox event types in order, optionally only those after `fromSequence`. */
export async function eventTypes(engine: Engine, fromSequence = 0): Promise<string[]> {
  const rows = await engine.ctx.db.selectFrom('outbox_events').select('type').where('sequence', '>', fromSequence).orderBy('sequence').execute();
  return rows.map((r) => r.type);
}

export async function lastSequence(engine: Engine): Promise<number> {
  const row = await engine.ctx.db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.max('sequence').as('last'))
    .executeTakeFirst();
  return Number(row?.last ?? 0);
}

/** Row counts of everything subscriptions write, so a refused call can be shown to change nothing. */
export async function subscriptionState(engine: Engine) {
  const db = engine.ctx.db;
  const count = async (
    table: 'subscriptions' | 'subscription_period_runs' | 'payments' | 'invoices' | 'outbox_events' | 'wallet_ledger_entries' | 'test_clock',
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    subscriptions: await count('subscriptions'),
    subscription_period_runs: await count('subscription_period_runs'),
    payments: await count('payments'),
    invoices: await count('invoices'),
    outbox_events: await count('outbox_events'),
    wallet_ledger_entries: await count('wallet_ledger_entries'),
    subscription_rows: await db.selectFrom('subscriptions').selectAll().orderBy('subscription_id').execute(),
  };
}

/** The subscription's payments, oldest first, as [ISO date, total_amount, status]. */
export async function paymentsOf(engine: Engine, subscriptionId: string): Promise<Array<[string, number, string]>> {
  const page = await engine.payments.list({ subscription_id: subscriptionId }, { page_size: 100 });
  return page.items
    .slice()
    .reverse()
    .map((p) => [p.created_at.slice(0, 10), p.total_amount, p.status]);
}
