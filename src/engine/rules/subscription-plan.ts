import { percentOf } from '../money.js';
import type { Product } from '../products/types.js';
import type { StoredSubscription } from '../subscriptions/types.js';

// Pure rules of a subscription's plan that plan changes share with the subscriptions domain.

/**
 * The unit price a subscription freezes for a product: its recurring price (usage-based: the fixed fee)
 * with the product's own percent discount taken off per unit, half up: 3000 at 10 % → 2700.
 */
export function unitPriceOf(product: Product): number {
  const price = product.price;
  if (price.type === 'one_time_price') throw new Error(`product ${product.product_id} is not a subscription product`);
  const base = price.type === 'usage_based_price' ? price.fixed_price : price.price;
  return base - percentOf(base, price.discount);
}

/** unit_price × quantity + Σ addon unit_price × quantity: 3000 × 1 + 500 × 2 = 4000. */
export function recurringPreTaxAmount(sub: Pick<StoredSubscription, 'unit_price' | 'quantity' | 'addons'>): number {
  return sub.unit_price * sub.quantity + sub.addons.reduce((sum, a) => sum + a.unit_price * a.quantity, 0);
}

/** True while a trial runs: the subscription has a trial and has not yet paid its first period (period 0). */
export function inTrial(sub: Pick<StoredSubscription, 'trial_period_days' | 'period_index'>): boolean {
  return sub.trial_period_days > 0 && sub.period_index === 0;
}
