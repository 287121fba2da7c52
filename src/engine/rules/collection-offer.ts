import type { CheckoutProduct, CollectionGroup } from '../collections/types.js';
import type { Product } from '../products/types.js';

/**
 * What a collection checkout offers (SPEC §1.2, §2.1 step 6): the enabled items of enabled groups, in
 * display order (group order, then item order), without archived products. The first of them is
 * pre-selected. Groups [Monthly: Starter, Pro (disabled)] [Annual (disabled): Starter Annual]
 * [Lifetime: Lifetime] → Starter (pre-selected), Lifetime.
 */
export function checkoutProducts(groups: readonly CollectionGroup[], products: ReadonlyMap<string, Product>): CheckoutProduct[] {
  const offered: CheckoutProduct[] = [];
  for (const group of groups) {
    if (!group.status) continue;
    for (const item of group.products) {
      const product = products.get(item.product_id);
      if (!item.status || !product || product.archived) continue;
      const price = product.price;
      const recurring = price.type === 'one_time_price' ? null : price;
      offered.push({
        product_id: product.product_id,
        item_id: item.item_id,
        group_id: group.group_id,
        group_name: group.group_name,
        name: product.name,
        description: product.description,
        price: price.type === 'usage_based_price' ? price.fixed_price : price.price,
        price_type: price.type,
        currency: price.currency,
        payment_frequency_count: recurring?.payment_frequency_count ?? null,
        payment_frequency_interval: recurring?.payment_frequency_interval ?? null,
        trial_period_days: recurring?.trial_period_days ?? null,
        pay_what_you_want: price.type === 'one_time_price' && price.pay_what_you_want,
        pre_selected: offered.length === 0,
      });
    }
  }
  return offered;
}
