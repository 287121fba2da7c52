import { findAddons } from '../addons/repo.js';
import { findBrand } from '../brands/repo.js';
import type { Brand } from '../brands/types.js';
import type { Db } from '../db/database.js';
import { findProducts } from '../products/repo.js';
import type { CartFacts, CartLineInput } from '../rules/cart.js';

/** Loads the products, addons and brands a cart names, so the cart rules can run without the database. */
export async function loadCartFacts(db: Db, businessId: string, lines: readonly CartLineInput[]): Promise<CartFacts> {
  const productIds = [...new Set(lines.map((l) => l.product_id))];
  const addonIds = [...new Set(lines.flatMap((l) => (l.addons ?? []).map((a) => a.addon_id)))];
  const products = await findProducts(db, businessId, productIds);
  const addons = await findAddons(db, businessId, addonIds);
  const brands = new Map<string, Brand>();
  for (const brandId of new Set(products.map((p) => p.brand_id))) {
    const brand = await findBrand(db, businessId, brandId);
    if (brand) brands.set(brandId, brand);
  }
  return {
    products: new Map(products.map((p) => [p.product_id, p])),
    addons: new Map(addons.map((a) => [a.addon_id, a])),
    brands,
  };
}
