import { findAddons } from '../addons/repo.js';
import { findBrand, findPrimaryBrandId } from '../brands/repo.js';
import type { EngineContext } from '../context.js';
import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { BillingError, notFound } from '../errors.js';
import { toFlag } from '../shared/flags.js';
import { checkMetadata } from '../shared/metadata.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { priceColumns } from './price-rules.js';
import { checkProductMeters } from '../meters/product-meters.js';
import { replaceProductMeters } from '../meters/repo.js';
import { findProduct, insertProduct, listProducts, replaceProductAddons, updateProductRow } from './repo.js';
import { assertTaxCategory } from '../rules/tax-categories.js';
import type { NewProduct, Product, ProductFilter, ProductInput } from './types.js';
import type { ProductsTable } from '../db/schema.js';

export class ProductService {
  constructor(private readonly ctx: EngineContext) {}

  private within(trx: Db): ProductService {
    return new ProductService({ ...this.ctx, db: trx });
  }

  async get(productId: string): Promise<Product> {
    const product = await findProduct(this.ctx.db, this.ctx.businessId, productId);
    if (!product) throw notFound('product', productId, 'list_products');
    return product;
  }

  async list(filter: ProductFilter = {}, page?: PageRequest): Promise<Page<Product>> {
    const window = pageWindow(page);
    return toPage(window, await listProducts(this.ctx.db, this.ctx.businessId, filter, window));
  }

  async create(input: NewProduct): Promise<Product> {
    checkDescriptive(input);
    const tax_category = assertTaxCategory(input.tax_category);
    const price = priceColumns(input.price);
    const metadata = checkMetadata(input.metadata);
    return inTransaction(this.ctx.db, async (trx) => {
      const brand_id = await this.resolveBrand(trx, input.brand_id);
      const addons = input.addons ?? [];
      await this.checkAddons(trx, price, addons);
      const now = this.ctx.clock.now();
      const product_id = this.ctx.ids.next('product');
      await insertProduct(trx, {
        product_id,
        business_id: this.ctx.businessId,
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
      await replaceProductAddons(trx, product_id, addons);
      if (input.price.type === 'usage_based_price') {
        await replaceProductMeters(trx, product_id, await checkProductMeters(trx, this.ctx.businessId, input.price.meters ?? []));
      }
      return this.within(trx).get(product_id);
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
    return inTransaction(this.ctx.db, async (trx) => {
      const current = await this.within(trx).get(productId);
      if (input.price && input.price.type !== current.price.type) {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `product ${productId} has a ${current.price.type}; the pricing model cannot change to ${input.price.type}`,
          'create a new product with the other pricing model',
        );
      }
      const price = input.price ? priceColumns(input.price) : undefined;
      const brand_id = input.brand_id === undefined ? undefined : await this.resolveBrand(trx, input.brand_id);
      if (input.addons !== undefined || price !== undefined) {
        const effective = price ?? { price_type: current.price.type, currency: current.price.currency };
        await this.checkAddons(trx, effective, input.addons ?? current.addons);
      }
      const { price_type: _fixed, ...priceChanges } = price ?? { price_type: undefined };
      await updateProductRow(trx, productId, {
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
        updated_at: this.ctx.clock.now(),
      });
      if (input.addons !== undefined) await replaceProductAddons(trx, productId, input.addons);
      // Omitted meters stay; a list replaces them (for new periods: closed ones are already billed).
      if (input.price?.type === 'usage_based_price' && input.price.meters !== undefined) {
        await replaceProductMeters(trx, productId, await checkProductMeters(trx, this.ctx.businessId, input.price.meters));
      }
      return this.within(trx).get(productId);
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
    return inTransaction(this.ctx.db, async (trx) => {
      await this.within(trx).get(productId);
      await updateProductRow(trx, productId, { archived: toFlag(archived), updated_at: this.ctx.clock.now() });
      return this.within(trx).get(productId);
    });
  }

  private async resolveBrand(trx: Db, brandId: string | undefined): Promise<string> {
    if (brandId === undefined) {
      const primary = await findPrimaryBrandId(trx, this.ctx.businessId);
      if (!primary) throw new Error('the business has no primary brand; the engine was not set up');
      return primary;
    }
    if (!(await findBrand(trx, this.ctx.businessId, brandId))) throw notFound('brand', brandId, 'list_brands');
    return brandId;
  }

  /**
   * Addons attach to subscription products only, never to usage-based ones
   * (ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED), must exist (MISSING_ADDON_IDS) and must share the
   * product's currency (UNSUPPORTED_CURRENCY).
   */
  private async checkAddons(
    trx: Db,
    price: Pick<ProductsTable, 'price_type' | 'currency'>,
    addonIds: readonly string[],
  ): Promise<void> {
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
    const found = await findAddons(trx, this.ctx.businessId, unique);
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
