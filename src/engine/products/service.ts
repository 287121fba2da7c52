import type { Brand } from '../brands/types.js';
import { BillingError, notFound } from '../errors.js';
import type { CartFacts, CartLineInput } from '../rules/cart.js';
import type { Scope } from '../scope.js';
import { toFlag } from '../shared/flags.js';
import { checkMetadata } from '../shared/metadata.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { priceColumns } from './price-rules.js';
import { findProduct, findProducts, insertProduct, listProducts, replaceProductAddons, replaceProductMeters, updateProductRow } from './repo.js';
import { assertTaxCategory } from '../rules/tax-categories.js';
import type { NewProduct, Product, ProductFilter, ProductInput } from './types.js';
import type { ProductsTable } from '../db/schema.js';

export class ProductService {
  constructor(private readonly scope: Scope) {}

  async get(productId: string): Promise<Product> {
    const product = await this.find(productId);
    if (!product) throw notFound('product', productId, 'list_products');
    return product;
  }

  /** The product, archived or not, or undefined when the business has no such id. */
  find(productId: string): Promise<Product | undefined> {
    return findProduct(this.scope.db, this.scope.businessId, productId);
  }

  /** The products of these ids, in no particular order; ids that do not exist are simply absent. */
  findMany(productIds: readonly string[]): Promise<Product[]> {
    return findProducts(this.scope.db, this.scope.businessId, productIds);
  }

  /** The products, addons and brands a cart names, so the cart rules (rules/cart.ts) run without the database. */
  async cartFacts(lines: readonly CartLineInput[]): Promise<CartFacts> {
    const productIds = [...new Set(lines.map((l) => l.product_id))];
    const addonIds = [...new Set(lines.flatMap((l) => (l.addons ?? []).map((a) => a.addon_id)))];
    const products = await this.findMany(productIds);
    const addons = await this.scope.addons.findMany(addonIds);
    const brands = new Map<string, Brand>();
    for (const brandId of new Set(products.map((p) => p.brand_id))) {
      const brand = await this.scope.brands.find(brandId);
      if (brand) brands.set(brandId, brand);
    }
    return {
      products: new Map(products.map((p) => [p.product_id, p])),
      addons: new Map(addons.map((a) => [a.addon_id, a])),
      brands,
    };
  }

  async list(filter: ProductFilter = {}, page?: PageRequest): Promise<Page<Product>> {
    const window = pageWindow(page);
    return toPage(window, await listProducts(this.scope.db, this.scope.businessId, filter, window));
  }

  async create(input: NewProduct): Promise<Product> {
    checkDescriptive(input);
    const tax_category = assertTaxCategory(input.tax_category);
    const price = priceColumns(input.price);
    const metadata = checkMetadata(input.metadata);
    return this.scope.transaction(async (tx) => {
      const brand_id = await tx.brands.resolve(input.brand_id);
      const addons = input.addons ?? [];
      await checkAddons(tx, price, addons);
      const now = tx.clock.now();
      const product_id = tx.ids.next('product');
      await insertProduct(tx.db, {
        product_id,
        business_id: tx.businessId,
        brand_id,
        name: input.name,
        description: input.description ?? null,
        image: input.image ?? null,
        tax_category,
        ...price,
        ...defaultLicenseColumns,
        ...licenseColumns(input),
        digital_product_delivery: input.digital_product_delivery ? JSON.stringify(input.digital_product_delivery) : null,
        metadata: JSON.stringify(metadata),
        archived: 0,
        created_at: now,
        updated_at: now,
      });
      await replaceProductAddons(tx.db, product_id, addons);
      if (input.price.type === 'usage_based_price') {
        await replaceProductMeters(tx.db, product_id, await tx.meters.checkProductMeters(input.price.meters ?? []));
      }
      return tx.products.get(product_id);
    });
  }

  /**
   * PATCH semantics: omitted fields stay, null clears. The pricing model is fixed at creation: a
   * one-time product cannot become a subscription. Price edits apply to new purchases only; existing
   * subscriptions keep their amount until a plan change.
   */
  async update(productId: string, input: ProductInput): Promise<Product> {
    checkDescriptive(input);
    const tax_category = input.tax_category === undefined ? undefined : assertTaxCategory(input.tax_category);
    const metadata = input.metadata === undefined ? undefined : checkMetadata(input.metadata);
    return this.scope.transaction(async (tx) => {
      const current = await tx.products.get(productId);
      if (input.price && input.price.type !== current.price.type) {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `product ${productId} has a ${current.price.type}; the pricing model cannot change to ${input.price.type}`,
          'create a new product with the other pricing model',
        );
      }
      const price = input.price ? priceColumns(input.price) : undefined;
      const brand_id = input.brand_id === undefined ? undefined : await tx.brands.resolve(input.brand_id);
      if (input.addons !== undefined || price !== undefined) {
        const effective = price ?? { price_type: current.price.type, currency: current.price.currency };
        await checkAddons(tx, effective, input.addons ?? current.addons);
      }
      const { price_type: _fixed, ...priceChanges } = price ?? { price_type: undefined };
      await updateProductRow(tx.db, productId, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.image !== undefined && { image: input.image }),
        ...(brand_id !== undefined && { brand_id }),
        ...(tax_category !== undefined && { tax_category }),
        ...priceChanges,
        ...licenseColumns(input),
        ...(input.digital_product_delivery !== undefined && {
          digital_product_delivery: input.digital_product_delivery && JSON.stringify(input.digital_product_delivery),
        }),
        ...(metadata !== undefined && { metadata: JSON.stringify(metadata) }),
        updated_at: tx.clock.now(),
      });
      if (input.addons !== undefined) await replaceProductAddons(tx.db, productId, input.addons);
      // Omitted meters stay; a list replaces them (for new periods: closed ones are already billed).
      if (input.price?.type === 'usage_based_price' && input.price.meters !== undefined) {
        await replaceProductMeters(tx.db, productId, await tx.meters.checkProductMeters(input.price.meters));
      }
      return tx.products.get(productId);
    });
  }

  /** Archived products are hidden from new purchases; existing subscribers keep theirs. */
  archive(productId: string): Promise<Product> {
    return this.setArchived(productId, true);
  }

  unarchive(productId: string): Promise<Product> {
    return this.setArchived(productId, false);
  }

  private async setArchived(productId: string, archived: boolean): Promise<Product> {
    return this.scope.transaction(async (tx) => {
      await tx.products.get(productId);
      await updateProductRow(tx.db, productId, { archived: toFlag(archived), updated_at: tx.clock.now() });
      return tx.products.get(productId);
    });
  }
}

/**
 * Addons attach to subscription products only, never to usage-based ones
 * (ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED), must exist (MISSING_ADDON_IDS) and must share the
 * product's currency (UNSUPPORTED_CURRENCY).
 */
async function checkAddons(tx: Scope, price: Pick<ProductsTable, 'price_type' | 'currency'>, addonIds: readonly string[]): Promise<void> {
  if (addonIds.length === 0) return;
  if (price.price_type === 'usage_based_price') {
    throw new BillingError(
      'ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED',
      'Addons in Subscriptions are not supported for Usage Based Billing',
      'remove addons from this usage-based product',
    );
  }
  if (price.price_type === 'one_time_price') {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      'addons attach to subscription (recurring_price) products only',
      'remove addons, or use a recurring price',
    );
  }
  const unique = [...new Set(addonIds)];
  if (unique.length !== addonIds.length) {
    throw new BillingError('INVALID_REQUEST_PARAMETERS', 'an addon id is listed twice', 'list each addon once');
  }
  const found = await tx.addons.findMany(unique);
  const missing = unique.filter((id) => !found.some((a) => a.addon_id === id));
  if (missing.length > 0) {
    throw new BillingError('MISSING_ADDON_IDS', `no addon ${missing.join(', ')}`, 'list_addons shows the existing ids');
  }
  const foreign = found.filter((a) => a.currency !== price.currency);
  if (foreign.length > 0) {
    throw new BillingError(
      'UNSUPPORTED_CURRENCY',
      `addon ${foreign.map((a) => `${a.addon_id} (${a.currency})`).join(', ')} does not match the product currency ${price.currency}`,
      'use addons priced in the product currency',
    );
  }
}

type LicenseColumns = Pick<
  ProductsTable,
  | 'license_key_enabled'
  | 'license_key_activations_limit'
  | 'license_key_duration_count'
  | 'license_key_duration_interval'
  | 'license_key_activation_message'
>;

const defaultLicenseColumns: LicenseColumns = {
  license_key_enabled: 0,
  license_key_activations_limit: null,
  license_key_duration_count: null,
  license_key_duration_interval: null,
  license_key_activation_message: null,
};

/** The license-key settings the input gives, as columns (create spreads them over the defaults). */
function licenseColumns(input: ProductInput): Partial<LicenseColumns> {
  const limit = input.license_key_activations_limit;
  if (limit !== undefined && limit !== null && (!Number.isInteger(limit) || limit < 0)) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `license_key_activations_limit must be a whole number ≥ 0 or null for unlimited, got ${limit}`,
      'send e.g. 3',
    );
  }
  const duration = input.license_key_duration;
  if (duration && (!Number.isInteger(duration.count) || duration.count < 1)) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `license_key_duration.count must be ≥ 1, got ${duration.count}`,
      'send e.g. {count: 1, interval: "Year"}, or null for keys that never expire',
    );
  }
  return {
    ...(input.license_key_enabled !== undefined && { license_key_enabled: toFlag(input.license_key_enabled) }),
    ...(limit !== undefined && { license_key_activations_limit: limit }),
    ...(duration !== undefined && {
      license_key_duration_count: duration?.count ?? null,
      license_key_duration_interval: duration?.interval ?? null,
    }),
    ...(input.license_key_activation_message !== undefined && {
      license_key_activation_message: input.license_key_activation_message,
    }),
  };
}

function checkDescriptive(input: ProductInput): void {
  if (input.name !== undefined) checkText('name', input.name, { min: 1, max: 100 });
  if (input.description) checkText('description', input.description, { max: 1000 });
}
