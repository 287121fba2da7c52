import type { CheckoutProduct } from '../collections/types.js';
import { isSupportedCurrency } from '../money.js';
import { reduceCharge } from '../pricing/charge-reductions.js';
import { pricingLinesOf } from '../rules/cart-pricing.js';
import type { CartLine } from '../rules/cart.js';
import type { Scope } from '../scope.js';
import { editableOf, needsOf } from './choice-rules.js';
import type { CheckoutCredit, CheckoutPage, OfferedAddon, OfferedGroup } from './page-types.js';
import type { CheckoutSession, StoredSession } from './types.js';
import { type SessionCart, sessionCartOf, viewOf } from './view.js';

/**
 * A session as its hosted page shows it: the session view, the brand, the collection's offer by group,
 * the addons on offer, what the buyer may change and must still fill in, saved methods and credit.
 * Reads only this session's rows and its own customer's: a page link reaches nobody else's data.
 */
export async function pageViewOf(scope: Scope, stored: StoredSession, publicBaseUrl: string): Promise<CheckoutPage> {
  const session = await viewOf(scope, stored, publicBaseUrl);
  const cart = await sessionCartOf(scope, stored);
  const open = session.status === 'open';
  const credit = await creditOf(scope, stored, session, cart);
  return {
    session,
    brand: brandOf(cart),
    collection: open && stored.product_collection_id !== null ? await collectionOf(scope, stored.product_collection_id) : null,
    addons: await offeredAddons(scope, cart.lines),
    editable: editableOf(stored, cart.lines),
    needs: needsOf(stored),
    saved_payment_methods:
      stored.request.show_saved_payment_methods && stored.customer_id !== null ? await scope.customers.listPaymentMethods(stored.customer_id) : [],
    credit,
    billing_period: billingPeriodOf(cart.lines),
    due_now: (session.trial_period_days ?? 0) > 0 ? 0 : (credit?.total_after_credit ?? session.summary.total_amount),
  };
}

export function brandOf(cart: SessionCart): { brand_id: string; name: string } {
  const brandId = cart.lines[0]?.product.brand_id;
  const brand = brandId === undefined ? undefined : cart.facts.brands.get(brandId);
  return brand ? { brand_id: brand.brand_id, name: brand.name } : { brand_id: brandId ?? '', name: 'Checkout' };
}

/** The collection's offered products (SPEC D8: enabled items of enabled groups, in display order) grouped. */
async function collectionOf(scope: Scope, collectionId: string): Promise<CheckoutPage['collection']> {
  const collection = await scope.collections.get(collectionId);
  const offered = await scope.collections.checkoutProducts(collectionId);
  return { collection_id: collection.collection_id, name: collection.name, groups: groupsOf(offered) };
}

/** Consecutive products of one group form one group: [A:g1, B:g1, C:g2] → [g1: A, B], [g2: C]. */
export function groupsOf(offered: readonly CheckoutProduct[]): OfferedGroup[] {
  const groups: OfferedGroup[] = [];
  for (const product of offered) {
    const last = groups.at(-1);
    if (last?.group_id === product.group_id) last.products.push(product);
    else groups.push({ group_id: product.group_id, group_name: product.group_name, products: [product] });
  }
  return groups;
}

/** Every addon attached to the recurring line's product, with the quantity chosen (0 when not chosen). */
async function offeredAddons(scope: Scope, lines: readonly CartLine[]): Promise<OfferedAddon[]> {
  const line = lines.find((l) => l.product.price.type === 'recurring_price');
  if (!line) return [];
  const addons = await scope.addons.findMany(line.product.addons);
  return addons.map((addon) => ({
    addon_id: addon.addon_id,
    name: addon.name,
    description: addon.description,
    price: addon.price,
    currency: addon.currency,
    quantity: line.addons.find((a) => a.addon.addon_id === addon.addon_id)?.quantity ?? 0,
  }));
}

/**
 * SPEC §2.5: wallet credit pays subscription charges only, never one-time carts; checkout's first
 * subscription charge uses it (subscriptions/start.ts, applyCredits on a paid first period), a $0 trial
 * payment does not. So the page shows credit only for a known customer buying a subscription without a
 * trial, reduced exactly as the charge will be (pricing/charge-reductions.ts): a $30.00 plan with $10.00
 * in the USD wallet → $10.00 applied, $20.00 charged.
 */
async function creditOf(scope: Scope, stored: StoredSession, session: CheckoutSession, cart: SessionCart): Promise<CheckoutCredit | null> {
  const currency = session.summary.currency;
  if (!session.is_subscription || (session.trial_period_days ?? 0) > 0 || stored.customer_id === null || !isSupportedCurrency(currency)) return null;
  const wallet = await scope.wallets.find(stored.customer_id, currency);
  if (!wallet || wallet.balance === 0) return null;
  const reduced = reduceCharge({
    lines: pricingLinesOf(cart.lines),
    code: cart.discount,
    credit_balance: 0,
    wallet_balance: wallet.balance,
    tax_rate_bps: cart.tax_rate_bps,
  });
  return { wallet_balance: wallet.balance, applied: reduced.wallet_credit_used, total_after_credit: reduced.total_amount };
}

function billingPeriodOf(lines: readonly CartLine[]): CheckoutPage['billing_period'] {
  const price = lines[0]?.product.price;
  if (!price || price.type === 'one_time_price') return null;
  return { count: price.payment_frequency_count, interval: price.payment_frequency_interval };
}
