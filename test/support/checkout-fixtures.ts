import type { Engine } from '../../src/engine/index.js';
import type { Product } from '../../src/engine/products/types.js';

/** SPEC §5 test cards, with the docs' expiry and CVC. */
export const CARD_OK = { number: '4242424242424242', exp_month: 6, exp_year: 2032, cvc: '123' } as const;
export const CARD_DECLINED = { number: '4000000000000002', exp_month: 6, exp_year: 2032, cvc: '123' } as const;

export interface OneTimeOptions {
  name?: string;
  price?: number;
  currency?: string;
  discount?: number;
  pay_what_you_want?: boolean;
  tax_inclusive?: boolean;
  brand_id?: string;
}

/** A one-time product, $19.00 unless told otherwise. */
export function oneTime(engine: Engine, options: OneTimeOptions = {}): Promise<Product> {
  const { name = 'Guide', price = 1900, currency = 'USD', brand_id, ...rest } = options;
  return engine.products.create({
    name,
    tax_category: 'e_book',
    ...(brand_id !== undefined && { brand_id }),
    price: { type: 'one_time_price', currency, price, ...rest },
  });
}

/** A one-time $49.00 "Desktop app" that issues a license key with up to 3 activations (SPEC §2.10). */
export function licensedApp(engine: Engine): Promise<Product> {
  return engine.products.create({
    name: 'Desktop app',
    tax_category: 'digital_products',
    license_key_enabled: true,
    license_key_activations_limit: 3,
    price: { type: 'one_time_price', currency: 'USD', price: 4900 },
  });
}

/** A monthly plan, $30.00 unless told otherwise. */
export function monthlyPlan(
  engine: Engine,
  options: { name?: string; price?: number; trial_period_days?: number; addons?: string[] } = {},
): Promise<Product> {
  const { name = 'Basic', price = 3000, trial_period_days, addons } = options;
  return engine.products.create({
    name,
    tax_category: 'saas',
    ...(addons !== undefined && { addons }),
    price: {
      type: 'recurring_price',
      currency: 'USD',
      price,
      payment_frequency_count: 1,
      payment_frequency_interval: 'Month',
      ...(trial_period_days !== undefined && { trial_period_days }),
    },
  });
}

export function usagePlan(engine: Engine): Promise<Product> {
  return engine.products.create({
    name: 'API',
    tax_category: 'saas',
    price: { type: 'usage_based_price', currency: 'USD', fixed_price: 0, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
  });
}

/** Row counts of everything checkout and payments write, and the discounts' use counts. */
export async function moneyState(engine: Engine) {
  const db = engine.ctx.db;
  const count = async (
    table: 'checkout_sessions' | 'payments' | 'payment_line_items' | 'invoices' | 'outbox_events' | 'customers' | 'payment_methods',
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
    checkout_sessions: await count('checkout_sessions'),
    payments: await count('payments'),
    payment_line_items: await count('payment_line_items'),
    invoices: await count('invoices'),
    outbox_events: await count('outbox_events'),
    customers: await count('customers'),
    payment_methods: await count('payment_methods'),
    times_used: (await db.selectFrom('discounts').select(['discount_id', 'times_used']).orderBy('discount_id').execute()).map((d) => d.times_used),
  };
}

/** Outbox events in order, as [type, object id]. */
export async function eventLog(engine: Engine): Promise<Array<[string, string | null]>> {
  const rows = await engine.ctx.db.selectFrom('outbox_events').select(['type', 'object_id']).orderBy('sequence').execute();
  return rows.map((r) => [r.type, r.object_id]);
}
