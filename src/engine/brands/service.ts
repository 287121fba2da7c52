import { BillingError, notFound } from '../errors.js';
import type { Scope } from '../scope.js';
import { toFlag } from '../shared/flags.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { findBrand, findPrimaryBrandId, insertBrand, listBrands, updateBrandRow } from './repo.js';
import type { Brand, BrandInput } from './types.js';

export class BrandService {
  constructor(private readonly scope: Scope) {}

  async get(brandId: string): Promise<Brand> {
    const brand = await this.find(brandId);
    if (!brand) throw notFound('brand', brandId, 'list_brands');
    return brand;
  }

  /** The brand, or undefined when the business has no such id. */
  find(brandId: string): Promise<Brand | undefined> {
    return findBrand(this.scope.db, this.scope.businessId, brandId);
  }

  async primaryBrandId(): Promise<string> {
    const id = await findPrimaryBrandId(this.scope.db, this.scope.businessId);
    if (!id) throw new Error('the business has no primary brand; the engine was not set up');
    return id;
  }

  /** The brand a new product or collection joins: the one given (NOT_FOUND when unknown), else the primary brand. */
  async resolve(brandId: string | undefined): Promise<string> {
    if (brandId === undefined) return this.primaryBrandId();
    if (!(await this.find(brandId))) throw notFound('brand', brandId, 'list_brands');
    return brandId;
  }

  async list(page?: PageRequest): Promise<Page<Brand>> {
    const window = pageWindow(page);
    return toPage(window, await listBrands(this.scope.db, this.scope.businessId, window));
  }

  async create(input: BrandInput & { name: string }): Promise<Brand> {
    checkBrandInput(input);
    return this.scope.transaction(async (tx) => {
      const now = tx.clock.now();
      const brand_id = tx.ids.next('brand');
      await insertBrand(tx.db, {
        brand_id,
        business_id: tx.businessId,
        name: input.name,
        description: input.description ?? null,
        url: input.url ?? null,
        image: input.image ?? null,
        statement_descriptor: input.statement_descriptor ?? null,
        support_email: input.support_email ?? null,
        enabled: toFlag(input.enabled ?? true),
        verification_status: 'Success',
        is_primary: 0,
        created_at: now,
        updated_at: now,
      });
      return tx.brands.get(brand_id);
    });
  }

  /** The primary brand is the business's own identity and is not edited through the brands API. */
  async update(brandId: string, input: BrandInput): Promise<Brand> {
    checkBrandInput(input);
    return this.scope.transaction(async (tx) => {
      const brand = await tx.brands.get(brandId);
      if (brand.is_primary) {
        throw new BillingError(
          'UNABLE_TO_EDIT_PRIMARY_BRAND',
          `brand ${brandId} is the primary brand and cannot be edited`,
          'create_brand makes a brand you can edit',
        );
      }
      await updateBrandRow(tx.db, brandId, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.url !== undefined && { url: input.url }),
        ...(input.image !== undefined && { image: input.image }),
        ...(input.statement_descriptor !== undefined && { statement_descriptor: input.statement_descriptor }),
        ...(input.support_email !== undefined && { support_email: input.support_email }),
        ...(input.enabled !== undefined && { enabled: toFlag(input.enabled) }),
        updated_at: tx.clock.now(),
      });
      return tx.brands.get(brandId);
    });
  }
}

// A plain shape check (something@host.tld): receipts show this address to buyers.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkBrandInput(input: BrandInput): void {
  if (input.name !== undefined) checkText('name', input.name, { min: 1, max: 100 });
  if (input.description) checkText('description', input.description, { max: 1000 });
  // Card statements hold 5–22 characters (the card networks' limit); "" is too short, null clears.
  if (input.statement_descriptor != null) {
    checkText('statement_descriptor', input.statement_descriptor, { min: 5, max: 22 });
  }
  if (input.support_email != null && !EMAIL_PATTERN.test(input.support_email)) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `support_email must be an email address, got "${input.support_email}"`,
      'send an address like support@example.com, or null to clear it',
    );
  }
}
