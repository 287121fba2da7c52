import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import { cachedRead, forgetCachedReads } from '../db/read-cache.js';
import type { ProductsTable } from '../db/schema.js';
import type { Currency } from '../money.js';
import { fromFlag, fromNullableFlag } from '../shared/flags.js';
import { parseMetadata } from '../shared/metadata.js';
import type { PageWindow } from '../shared/paging.js';
import { productMetersByProduct } from '../meters/repo.js';
import type { TaxCategory } from './tax-categories.js';
import type { DigitalProductDelivery, Interval, Product, ProductFilter, ProductMeter, ProductPrice } from './types.js';

function toPrice(row: ProductsTable, meters: ProductMeter[]): ProductPrice {
  const currency = row.currency as Currency;
  const tax_inclusive = fromNullableFlag(row.tax_inclusive);
  if (row.price_type === 'one_time_price') {
    return {
      type: 'one_time_price',
      currency,
      price: row.price,
      discount: row.discount,
      pay_what_you_want: fromFlag(row.pay_what_you_want),
      suggested_price: row.suggested_price,
      tax_inclusive,
      purchasing_power_parity: false,
    };
  }
  const terms = {
    currency,
    discount: row.discount,
    payment_frequency_count: row.payment_frequency_count ?? 1,
    payment_frequency_interval: (row.payment_frequency_interval ?? 'Month') as Interval,
    subscription_period_count: row.subscription_period_count,
    subscription_period_interval: row.subscription_period_interval as Interval | null,
    trial_period_days: row.trial_period_days ?? 0,
    tax_inclusive,
  };
  return row.price_type === 'usage_based_price'
    ? { type: 'usage_based_price', fixed_price: row.price, ...terms, meters }
    : { type: 'recurring_price', price: row.price, ...terms };
}

function toProduct(row: ProductsTable, addons: string[], meters: ProductMeter[] = []): Product {
  return {
    product_id: row.product_id,
    business_id: row.business_id,
    brand_id: row.brand_id,
    name: row.name,
    description: row.description,
    image: row.image,
    tax_category: row.tax_category as TaxCategory,
    price: toPrice(row, meters),
    is_recurring: row.price_type !== 'one_time_price',
    addons,
    license_key_enabled: fromFlag(row.license_key_enabled),
    license_key_activations_limit: row.license_key_activations_limit,
    license_key_duration:
      row.license_key_duration_count === null
        ? null
        : { count: row.license_key_duration_count, interval: row.license_key_duration_interval as Interval },
    license_key_activation_message: row.license_key_activation_message,
    digital_product_delivery:
      row.digital_product_delivery === null ? null : (JSON.parse(row.digital_product_delivery) as DigitalProductDelivery),
    metadata: parseMetadata(row.metadata),
    archived: fromFlag(row.archived),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

async function addonIdsByProduct(db: Db, productIds: string[]): Promise<Map<string, string[]>> {
  const byProduct = new Map<string, string[]>();
  if (productIds.length === 0) return byProduct;
  const rows = await db
    .selectFrom('product_addons')
    .select(['product_id', 'addon_id'])
    .where('product_id', 'in', productIds)
    .orderBy('product_id')
    .orderBy('position')
    .execute();
  for (const row of rows) byProduct.set(row.product_id, [...(byProduct.get(row.product_id) ?? []), row.addon_id]);
  return byProduct;
}

function usageProductIds(rows: readonly ProductsTable[]): string[] {
  return rows.filter((r) => r.price_type === 'usage_based_price').map((r) => r.product_id);
}

/**
 * Products by id, in no particular order; ids that do not exist are simply absent. Read once per due-work
 * batch (db/read-cache.ts): every renewal of a product reads it.
 */
export async function findProducts(db: Db, businessId: string, productIds: readonly string[]): Promise<Product[]> {
  if (productIds.length === 0) return [];
  return cachedRead(db, `products:${businessId}:${productIds.join(',')}`, () => readProducts(db, businessId, productIds));
}

async function readProducts(db: Db, businessId: string, productIds: readonly string[]): Promise<Product[]> {
  const rows = await db
    .selectFrom('products')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('product_id', 'in', productIds)
    .execute();
  const addons = await addonIdsByProduct(
    db,
    rows.map((r) => r.product_id),
  );
  const meters = await productMetersByProduct(db, usageProductIds(rows));
  return rows.map((row) => toProduct(row, addons.get(row.product_id) ?? [], meters.get(row.product_id)));
}

/**
 * One product with its addon ids in one statement (a left join, one row per addon, at least one row):
 * get_product is the hot read the benchmark measures, and a second statement was half its cost.
 */
export async function findProduct(db: Db, businessId: string, productId: string): Promise<Product | undefined> {
  return cachedRead(db, `product:${businessId}:${productId}`, () => readProduct(db, businessId, productId));
}

async function readProduct(db: Db, businessId: string, productId: string): Promise<Product | undefined> {
  const rows = await db
    .selectFrom('products')
    .leftJoin('product_addons', 'product_addons.product_id', 'products.product_id')
    .selectAll('products')
    .select('product_addons.addon_id')
    .where('products.business_id', '=', businessId)
    .where('products.product_id', '=', productId)
    .orderBy('product_addons.position')
    .execute();
  const [first] = rows;
  if (!first) return undefined;
  const { addon_id: _firstAddon, ...row } = first;
  const addons = rows.flatMap((r) => (r.addon_id === null ? [] : [r.addon_id]));
  // Usage-based products also read their meters (a second statement only for them).
  const meters = row.price_type === 'usage_based_price' ? (await productMetersByProduct(db, [productId])).get(productId) : undefined;
  return toProduct(row, addons, meters);
}

export async function listProducts(
  db: Db,
  businessId: string,
  filter: ProductFilter,
  window: PageWindow,
): Promise<Product[]> {
  let query = db
    .selectFrom('products')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('archived', '=', filter.archived ? 1 : 0);
  if (filter.recurring !== undefined) {
    query = filter.recurring
      ? query.where('price_type', '!=', 'one_time_price')
      : query.where('price_type', '=', 'one_time_price');
  }
  if (filter.brand_id !== undefined) query = query.where('brand_id', '=', filter.brand_id);
  const rows = await query
    .orderBy('created_at')
    .orderBy('product_id')
    .limit(window.fetch)
    .offset(window.offset)
    .execute();
  const addons = await addonIdsByProduct(
    db,
    rows.map((r) => r.product_id),
  );
  const meters = await productMetersByProduct(db, usageProductIds(rows));
  return rows.map((row) => toProduct(row, addons.get(row.product_id) ?? [], meters.get(row.product_id)));
}

export async function insertProduct(db: Db, row: ProductsTable): Promise<void> {
  forgetCachedReads(db);
  await db.insertInto('products').values(row).execute();
}

export async function updateProductRow(
  db: Db,
  productId: string,
  changes: Partial<Omit<ProductsTable, 'product_id' | 'business_id' | 'created_at' | 'price_type'>>,
): Promise<void> {
  forgetCachedReads(db);
  await db.updateTable('products').set(changes).where('product_id', '=', productId).execute();
}

export async function replaceProductAddons(db: Db, productId: string, addonIds: readonly string[]): Promise<void> {
  forgetCachedReads(db);
  await db.deleteFrom('product_addons').where('product_id', '=', productId).execute();
  if (addonIds.length === 0) return;
  await db
    .insertInto('product_addons')
    .values(addonIds.map((addon_id, position) => ({ product_id: productId, addon_id, position })))
    .execute();
}
