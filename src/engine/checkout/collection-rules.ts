import { BillingError } from '../errors.js';
import type { Collection, CheckoutProduct } from '../collections/types.js';
import type { CartLineInput } from '../rules/cart.js';

/**
 * SPEC §2.1 rule 6 and D8: an archived collection cannot be bought from (PRODUCT_IS_DELETED, as for an
 * archived product: the collection exists, so NOT_FOUND would mislead); a collection offering nothing is
 * PRODUCT_CART_EMPTY. The selection is the cart's product when it is one the collection offers (a product
 * outside it, or disabled in it, is INVALID_REQUEST_PARAMETERS), else the first offered product, quantity 1.
 * The buyer buys exactly one product, so a cart of two lines is INVALID_REQUEST_PARAMETERS.
 */
export function selectFromCollection(collection: Collection, offered: readonly CheckoutProduct[], cart: readonly CartLineInput[]): CartLineInput {
  if (collection.archived) {
    throw new BillingError(
      'PRODUCT_IS_DELETED',
      `product collection ${collection.collection_id} is archived`,
      `unarchive_product_collection ${collection.collection_id} restores it`,
    );
  }
  const first = offered[0];
  if (!first) {
    throw new BillingError(
      'PRODUCT_CART_EMPTY',
      `product collection ${collection.collection_id} offers no product: no enabled item of an enabled group is live`,
      'list_collection_products shows what it offers; enable an item or add products',
    );
  }
  if (cart.length > 1) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `a collection checkout buys exactly one product; product_cart has ${cart.length}`,
      'send one cart line (the product to pre-select), or none to pre-select the first',
    );
  }
  const line = cart[0];
  if (!line) return { product_id: first.product_id, quantity: 1 };
  return { ...line, product_id: offeredProduct(collection, offered, line.product_id).product_id };
}

/** A product the collection offers at checkout, or INVALID_REQUEST_PARAMETERS naming what it offers. */
export function offeredProduct(collection: Collection, offered: readonly CheckoutProduct[], productId: string): CheckoutProduct {
  const found = offered.find((p) => p.product_id === productId);
  if (!found) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `product ${productId} is not offered by product collection ${collection.collection_id} (offered: ${offered.map((p) => p.product_id).join(', ')})`,
      'choose one of the offered products; list_collection_products shows them',
    );
  }
  return found;
}
