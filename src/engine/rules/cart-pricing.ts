import type { PricingLine } from '../pricing/types.js';
import type { CartLine } from './cart.js';

/**
 * The lines a cart bills: each product (unit = the pay-what-you-want amount, else the price; the fixed fee
 * of a usage-based product), then its addons, which follow the product's tax treatment and carry no product
 * discount. A pay-what-you-want line whose amount is not chosen yet is shown at its minimum.
 */
export function pricingLinesOf(lines: readonly CartLine[]): PricingLine[] {
  return lines.flatMap(({ product, quantity, amount, addons }) => {
    const price = product.price;
    const unit = price.type === 'usage_based_price' ? price.fixed_price : (amount ?? price.price);
    const tax_inclusive = price.tax_inclusive ?? false;
    const productLine: PricingLine = {
      item_id: product.product_id,
      kind: 'product',
      name: product.name,
      product_id: product.product_id,
      quantity,
      unit_price: unit,
      discount_percent: price.discount,
      tax_inclusive,
    };
    const addonLines: PricingLine[] = addons.map(({ addon, quantity: addonQuantity }) => ({
      item_id: addon.addon_id,
      kind: 'addon',
      name: addon.name,
      product_id: product.product_id,
      quantity: addonQuantity,
      unit_price: addon.price,
      discount_percent: 0,
      tax_inclusive,
    }));
    return [productLine, ...addonLines];
  });
}
