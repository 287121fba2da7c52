import type { CartFacts, CartLine, CartLineInput } from '../rules/cart.js';
import type { StoredCartLine } from './types.js';

/** A checked cart line as the session stores it. */
export function storedLineOf(line: CartLine): StoredCartLine {
  return {
    product_id: line.product.product_id,
    quantity: line.quantity,
    amount: line.amount,
    addons: line.addons.map(({ addon, quantity }) => ({ addon_id: addon.addon_id, quantity })),
  };
}

/** A stored line as the cart rules read it. */
export function inputLineOf(line: StoredCartLine): CartLineInput {
  return { product_id: line.product_id, quantity: line.quantity, amount: line.amount, addons: line.addons };
}

/**
 * Stored lines against today's catalogue without judging them, for showing a session: a product or addon
 * that has since gone is left out rather than failing the read (completion checks everything again).
 */
export function displayLinesOf(lines: readonly StoredCartLine[], facts: CartFacts): CartLine[] {
  return lines.flatMap((line) => {
    const product = facts.products.get(line.product_id);
    if (!product) return [];
    const addons = line.addons.flatMap(({ addon_id, quantity }) => {
      const addon = facts.addons.get(addon_id);
      return addon ? [{ addon, quantity }] : [];
    });
    return [{ product, quantity: line.quantity, amount: line.amount, addons }];
  });
}
