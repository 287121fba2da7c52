import type { Discount } from '../discounts/types.js';
import { BillingError } from '../errors.js';
import { priceCart } from '../pricing/price-lines.js';
import { pricingLinesOf } from '../rules/cart-pricing.js';
import { type CheckedCart, checkCart } from '../rules/cart.js';
import { assertChargeableTotal } from '../rules/minimum-charge.js';
import type { Scope } from '../scope.js';
import { inputLineOf, storedLineOf } from './cart-lines.js';
import { applyCartChoice, chosenAddress, chosenCustomer, editableOf, enteredAfter } from './choice-rules.js';
import { selectFromCollection } from './collection-rules.js';
import type { CheckoutChoice } from './page-types.js';
import type { SessionChanges } from './repo.js';
import type { StoredCartLine, StoredSession } from './types.js';
import { sessionCartOf } from './view.js';

/**
 * The stored changes a buyer's choice makes to an open session, checked with create's rules (SPEC §2.1),
 * inside the caller's transaction (`tx`); any failure throws before anything is written.
 * - product_id (rule 6): another product the collection offers, quantity 1, no addons;
 * - quantities, addons, amounts (rules 1, 4, 5): only what editableOf allows (never after confirm=true);
 * - discount_code (rule 10, §2.8): validated now against the chosen cart; null removes it. A code kept
 *   from before that the new cart no longer qualifies for is dropped (switching from Basic to Pro with a
 *   code restricted to Basic leaves no code), so a product switch is never blocked by it;
 * - the currency minimum (rule 12) once every amount is known; a 100 % code making 0 is allowed;
 * - customer (rule 7) and billing_address (rule 8): the fields the page asks (needsOf).
 */
export async function chosenChanges(tx: Scope, session: StoredSession, choice: CheckoutChoice): Promise<SessionChanges> {
  const request = session.request;
  const before = await sessionCartOf(tx, session);
  const editable = editableOf(session, before.lines);
  const lines = applyCartChoice(await switchedLines(tx, session, choice.product_id, editable.product), choice, editable);
  const facts = await tx.products.cartFacts(lines.map(inputLineOf));
  const cart = checkCart(lines.map(inputLineOf), facts, { amount_required: request.confirm, on_demand: false });
  const discount = await chosenDiscount(tx, session, cart, choice.discount_code, editable.discount_code);
  if (cart.lines.every((l) => l.amount !== null || !(l.product.price.type === 'one_time_price' && l.product.price.pay_what_you_want))) {
    const priced = priceCart({ lines: pricingLinesOf(cart.lines), tax_rate_bps: before.tax_rate_bps, code: discount });
    assertChargeableTotal(priced.total_amount, cart.currency);
  }
  const customer = choice.customer === undefined ? null : chosenCustomer(session, choice.customer);
  const address = choice.billing_address === undefined ? null : chosenAddress(session, choice.billing_address);
  return {
    request: {
      ...request,
      product_cart: cart.lines.map(storedLineOf),
      discount_code: discount?.code ?? null,
      customer: customer?.customer ?? request.customer,
      billing_address: address?.address ?? request.billing_address,
      buyer_entered: enteredAfter(session, customer?.entered ?? null, address?.entered ?? null),
    },
    selected_product_id: session.product_collection_id === null ? session.selected_product_id : (cart.lines[0]?.product.product_id ?? null),
    discount_id: discount?.discount_id ?? null,
    updated_at: tx.clock.now(),
  };
}

/** Rule 6 on the page: the cart's lines, or the single line of another product the collection offers. */
async function switchedLines(tx: Scope, session: StoredSession, productId: string | undefined, switchable: boolean): Promise<StoredCartLine[]> {
  const lines = session.request.product_cart;
  if (productId === undefined || productId === lines[0]?.product_id) return lines;
  if (session.product_collection_id === null) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `product_id switches the product of a collection checkout; session ${session.session_id} is not one`,
      'change quantities instead, or create a new checkout session for another product',
    );
  }
  if (!switchable) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      'this checkout session was created with confirm=true, so its product is final',
      'pay as it is, or create a new checkout session',
    );
  }
  const collection = await tx.collections.get(session.product_collection_id);
  const selected = selectFromCollection(collection, await tx.collections.checkoutProducts(collection.collection_id), [
    { product_id: productId, quantity: 1 },
  ]);
  return [{ product_id: selected.product_id, quantity: 1, amount: null, addons: [] }];
}

/** Rule 10 on the page: a new code is validated now (errors propagate); a kept one is dropped if the cart no longer qualifies. */
async function chosenDiscount(
  tx: Scope,
  session: StoredSession,
  cart: CheckedCart,
  code: string | null | undefined,
  allowed: boolean,
): Promise<Discount | null> {
  const cartProducts = { product_ids: cart.lines.map((l) => l.product.product_id) };
  if (code === null) return null;
  if (code !== undefined) {
    if (!allowed) {
      throw new BillingError(
        'INVALID_REQUEST_PARAMETERS',
        'this checkout does not take discount codes (feature_flags.allow_discount_code is false)',
        'pay without a code',
      );
    }
    return tx.discounts.validate(code, cartProducts);
  }
  const kept = session.request.discount_code;
  if (kept === null) return null;
  return tx.discounts.validate(kept, cartProducts).catch((error: unknown) => {
    if (error instanceof BillingError) return null;
    throw error;
  });
}
