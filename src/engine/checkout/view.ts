import { iso } from '../clock.js';
import type { Discount } from '../discounts/types.js';
import { priceCart } from '../pricing/price-lines.js';
import { pricingLinesOf } from '../rules/cart-pricing.js';
import type { CartFacts, CartLine } from '../rules/cart.js';
import type { Scope } from '../scope.js';
import { displayLinesOf, inputLineOf } from './cart-lines.js';
import { checkoutUrlOf } from './request-rules.js';
import type { CheckoutSession, CheckoutStatus, StoredSession } from './types.js';

/** An open session past expires_at reads as expired before anything has marked it so. */
export function effectiveStatus(session: StoredSession, now: number): CheckoutStatus {
  return session.status === 'open' && now >= session.expires_at ? 'expired' : session.status;
}

/** A session's cart at today's catalogue, its code and the tax rate: what its summary is priced from. */
export interface SessionCart {
  facts: CartFacts;
  lines: CartLine[];
  discount: Discount | null;
  tax_rate_bps: number;
}

export async function sessionCartOf(scope: Scope, session: StoredSession): Promise<SessionCart> {
  const facts = await scope.products.cartFacts(session.request.product_cart.map(inputLineOf));
  const lines = displayLinesOf(session.request.product_cart, facts);
  const { default_tax_rate_bps } = await scope.settings.get();
  return { facts, lines, discount: await discountOf(scope, session.discount_id), tax_rate_bps: default_tax_rate_bps };
}

/** The session as get_checkout_session shows it: state, cart, customer, latest payment and a price summary. */
export async function viewOf(scope: Scope, session: StoredSession, publicBaseUrl: string): Promise<CheckoutSession> {
  const request = session.request;
  const { lines, discount, tax_rate_bps } = await sessionCartOf(scope, session);
  const customer = session.customer_id === null ? undefined : await scope.customers.find(session.customer_id);
  const payment = session.payment_id === null ? undefined : await scope.payments.find(session.payment_id);
  const priced = priceCart({ lines: pricingLinesOf(lines), tax_rate_bps, code: discount });
  const first = lines[0]?.product;
  const recurring = first && first.price.type !== 'one_time_price' ? first.price : null;
  return {
    id: session.session_id,
    status: effectiveStatus(session, scope.clock.now()),
    checkout_url: request.payment_method_id === null ? checkoutUrlOf(publicBaseUrl, session.session_id) : null,
    created_at: iso(session.created_at),
    expires_at: iso(session.expires_at),
    customer_id: session.customer_id,
    customer_email: customer?.email ?? request.customer?.email ?? null,
    customer_name: customer?.name ?? request.customer?.name ?? null,
    payment_id: session.payment_id,
    payment_status: payment?.status ?? null,
    subscription_id: session.subscription_id,
    product_collection_id: session.product_collection_id,
    selected_product_id: session.selected_product_id,
    product_cart: lines.map(({ product, quantity, amount, addons }) => ({
      product_id: product.product_id,
      name: product.name,
      quantity,
      amount,
      pay_what_you_want: product.price.type === 'one_time_price' && product.price.pay_what_you_want,
      addons: addons.map(({ addon, quantity: q }) => ({ addon_id: addon.addon_id, quantity: q })),
    })),
    is_subscription: recurring !== null,
    trial_period_days: recurring === null ? null : (request.trial_period_days ?? recurring.trial_period_days),
    discount_id: session.discount_id,
    discount_code: request.discount_code,
    billing_address: request.billing_address,
    confirm: request.confirm,
    return_url: request.return_url,
    show_saved_payment_methods: request.show_saved_payment_methods,
    tax_id: request.tax_id ?? null,
    feature_flags: request.feature_flags,
    customization: request.customization,
    metadata: request.metadata,
    summary: {
      currency: first?.price.currency ?? 'USD',
      lines: priced.lines.map((l) => ({
        item_id: l.item_id,
        kind: l.kind,
        name: l.name,
        quantity: l.quantity,
        unit_price: l.unit_price,
        discount_amount: l.discount_amount,
        amount: l.amount,
        tax: l.tax,
        total: l.total,
      })),
      subtotal: priced.subtotal,
      discount_amount: priced.discount_amount,
      tax: priced.tax,
      total_amount: priced.total_amount,
    },
  };
}

async function discountOf(scope: Scope, discountId: string | null): Promise<Discount | null> {
  if (discountId === null) return null;
  return scope.discounts.get(discountId, { include_deleted: true });
}
