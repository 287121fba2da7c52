import type { Engine } from '../../../src/engine/index.js';
import type { LicenseKey } from '../../../src/engine/licenses/types.js';
import type { Interval, Product } from '../../../src/engine/products/types.js';
import { CARD_OK } from '../../support/checkout-fixtures.js';

export interface LicensedOptions {
  name?: string;
  limit?: number | null;
  duration?: { count: number; interval: Interval } | null;
  enabled?: boolean;
}

/** A one-time $19.00 app with license keys: 2 activations, no expiry unless told otherwise. */
export function licensedApp(engine: Engine, options: LicensedOptions = {}): Promise<Product> {
  return engine.products.create({
    name: options.name ?? 'Desktop App',
    tax_category: 'saas',
    price: { type: 'one_time_price', currency: 'USD', price: 1900 },
    license_key_enabled: options.enabled ?? true,
    license_key_activations_limit: options.limit === undefined ? 2 : options.limit,
    license_key_duration: options.duration ?? null,
    license_key_activation_message: 'Paste the key into Settings → License.',
  });
}

/** A monthly $30.00 plan with license keys (3 activations). */
export function licensedPlan(engine: Engine): Promise<Product> {
  return engine.products.create({
    name: 'Pro Plan',
    tax_category: 'saas',
    price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
    license_key_enabled: true,
    license_key_activations_limit: 3,
  });
}

/** Buys the cart through a completed checkout with 4242… and returns the keys it issued. */
export async function buyThroughCheckout(
  engine: Engine,
  cart: Array<{ product_id: string; quantity: number }>,
  email = 'ann@example.com',
): Promise<LicenseKey[]> {
  const { session_id } = await engine.checkout.create({ product_cart: cart, customer: { email, name: 'Ann' } });
  const { payment } = await engine.checkout.complete(session_id, { card: CARD_OK });
  const keys = await engine.licenses.list({}, { page_size: 100 });
  return keys.items.filter((k) => k.payment_id === payment.payment_id);
}

/** One key for a fresh purchase of `product`. */
export async function oneKey(engine: Engine, product: Product, email = 'ann@example.com'): Promise<LicenseKey> {
  const [key] = await buyThroughCheckout(engine, [{ product_id: product.product_id, quantity: 1 }], email);
  if (!key) throw new Error('no key was issued');
  return key;
}
