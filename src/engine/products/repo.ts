import type SQLite from 'better-sqlite3';
import { iso } from '../clock.js';
import { type Db, rawSqliteOf } from '../db/database.js';
import { cachedRead, forgetCachedReads } from '../db/read-cache.js';
import type { ProductMetersTable, ProductsTable } from '../db/schema.js';
import type { Currency } from '../money.js';
import { fromFlag, fromNullableFlag } from '../shared/flags.js';
import { parseMetadata } from '../shared/metadata.js';
import type { PageWindow } from '../shared/paging.js';
import type { TaxCategory } from '../rules/tax-categories.js';
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
    digital_product_delivery: row.digital_product_delivery === null ? null : (JSON.parse(row.digital_product_delivery) as DigitalProductDelivery),
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
  const rows = await db.selectFrom('products').selectAll().where('business_id', '=', businessId).where('product_id', 'in', productIds).execute();
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
export function findProduct(db: Db, businessId: string, productId: string): Promise<Product | undefined> {
  return cachedRead(db, `product:${businessId}:${productId}`, () => readProduct(db, businessId, productId));
}

async function readProduct(db: Db, businessId: string, productId: string): Promise<Product | undefined> {
  const raw = rawSqliteOf(db);
  // The raw statement runs at once, outside Kysely's connection queue, only when that cannot read a
  // transaction in progress: `db` is the transaction holding the connection, or no transaction is open on
  // it (then the statement is a read snapshot of its own, as Kysely's would be). Otherwise it waits in
  // Kysely's queue for the transaction to end.
  const found =
    raw && (db.isTransaction || !raw.inTransaction) ? productRowNow(raw, businessId, productId) : await productRowQueued(db, businessId, productId);
  if (!found) return undefined;
  const { row, addons } = found;
  // Usage-based products also read their meters (a second statement only for them).
  const meters = row.price_type === 'usage_based_price' ? (await productMetersByProduct(db, [productId])).get(productId) : undefined;
  return toProduct(row, addons, meters);
}

interface ProductRead {
  row: ProductsTable;
  /** Its addon ids by position. */
  addons: string[];
}

/**
 * A products row from the raw statement's values: the columns in this literal's order (PRODUCT_COLUMNS),
 * every one of ProductsTable (the return type says so). A literal builds the object in one shape; assigning
 * the fields by name in a loop cost a megamorphic store each.
 */
export function productRowOf(v: readonly unknown[]): Record<keyof ProductsTable, unknown> {
  return {
    product_id: v[0],
    business_id: v[1],
    brand_id: v[2],
    name: v[3],
    description: v[4],
    image: v[5],
    tax_category: v[6],
    price_type: v[7],
    currency: v[8],
    price: v[9],
    discount: v[10],
    pay_what_you_want: v[11],
    suggested_price: v[12],
    tax_inclusive: v[13],
    payment_frequency_count: v[14],
    payment_frequency_interval: v[15],
    subscription_period_count: v[16],
    subscription_period_interval: v[17],
    trial_period_days: v[18],
    license_key_enabled: v[19],
    license_key_activations_limit: v[20],
    license_key_duration_count: v[21],
    license_key_duration_interval: v[22],
    license_key_activation_message: v[23],
    digital_product_delivery: v[24],
    metadata: v[25],
    archived: v[26],
    created_at: v[27],
    updated_at: v[28],
  };
}

/** The columns productRowOf reads, by index (test/engine/products-read.test.ts checks them against the table). */
export const PRODUCT_COLUMNS = Object.keys(productRowOf([]));

/** addon_id and position follow the product's columns; no ORDER BY: the few rows are sorted here, without SQLite's temporary b-tree. */
const PRODUCT_SQL =
  `SELECT ${PRODUCT_COLUMNS.map((column) => `p.${column}`).join(', ')}, a.addon_id, a.position ` +
  'FROM products AS p LEFT JOIN product_addons AS a ON a.product_id = p.product_id WHERE p.business_id = ? AND p.product_id = ?';
const ADDON_ID = PRODUCT_COLUMNS.length;
const POSITION = PRODUCT_COLUMNS.length + 1;

// Several processes: a prepared statement per connection, no rows; each run reads the database as it is.
const productStatements = new WeakMap<SQLite.Database, SQLite.Statement<[string, string], unknown[]>>();

/**
 * The same read as productRowQueued on the SQLite connection itself, for the benchmark's hot path
 * (bench/README.md, get_product / noop): a statement prepared once per connection, its rows as arrays.
 * Without Kysely's build, compile and connection queue, better-sqlite3's row objects (every column name
 * made again per row) and the ORDER BY's temporary b-tree, get_product − product_echo over stdio went from
 * 0.17 to 0.04 ms; what is left is mostly SQLite's read transaction (two locks on -shm, an fstat).
 */
function productRowNow(raw: SQLite.Database, businessId: string, productId: string): ProductRead | undefined {
  let statement = productStatements.get(raw);
  if (!statement) {
    statement = raw.prepare<[string, string], unknown[]>(PRODUCT_SQL).raw(true);
    productStatements.set(raw, statement);
  }
  const rows = statement.all(businessId, productId);
  const [first] = rows;
  if (!first) return undefined;
  if (rows.length > 1) rows.sort((a, b) => (a[POSITION] as number) - (b[POSITION] as number));
  const addons = rows.flatMap((r) => (r[ADDON_ID] === null ? [] : [r[ADDON_ID] as string]));
  return { row: productRowOf(first) as ProductsTable, addons };
}

/** The portable read, through Kysely's queue: PostgreSQL, or SQLite while another transaction holds the connection. */
async function productRowQueued(db: Db, businessId: string, productId: string): Promise<ProductRead | undefined> {
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
  return { row, addons: rows.flatMap((r) => (r.addon_id === null ? [] : [r.addon_id])) };
}

export async function listProducts(db: Db, businessId: string, filter: ProductFilter, window: PageWindow): Promise<Product[]> {
  let query = db
    .selectFrom('products')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('archived', '=', filter.archived ? 1 : 0);
  if (filter.recurring !== undefined) {
    query = filter.recurring ? query.where('price_type', '!=', 'one_time_price') : query.where('price_type', '=', 'one_time_price');
  }
  if (filter.brand_id !== undefined) query = query.where('brand_id', '=', filter.brand_id);
  const rows = await query.orderBy('created_at').orderBy('product_id').limit(window.fetch).offset(window.offset).execute();
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

/** A product's meters in order: replaced as a whole when the product's meters change. */
export async function replaceProductMeters(db: Db, productId: string, meters: readonly ProductMeter[]): Promise<void> {
  forgetCachedReads(db);
  await db.deleteFrom('product_meters').where('product_id', '=', productId).execute();
  if (meters.length === 0) return;
  await db
    .insertInto('product_meters')
    .values(meters.map((m, position): ProductMetersTable => ({ product_id: productId, position, ...m })))
    .execute();
}

/** The meters of each usage-based product, in order (SPEC §1.14: a usage-based price lists its meters). */
export async function productMetersByProduct(db: Db, productIds: readonly string[]): Promise<Map<string, ProductMeter[]>> {
  const byProduct = new Map<string, ProductMeter[]>();
  if (productIds.length === 0) return byProduct;
  const rows = await db
    .selectFrom('product_meters')
    .selectAll()
    .where('product_id', 'in', productIds)
    .orderBy('product_id')
    .orderBy('position')
    .execute();
  for (const { product_id, position: _p, ...meter } of rows) byProduct.set(product_id, [...(byProduct.get(product_id) ?? []), meter]);
  return byProduct;
}
