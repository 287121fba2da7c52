import { BillingError, notFound } from '../errors.js';
import { assertCurrency } from '../money.js';
import type { Scope } from '../scope.js';
import { assertTaxCategory } from '../rules/tax-categories.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { assertMinorUnits } from '../shared/amounts.js';
import { attachedProductCurrencies, findAddons, insertAddon, listAddons, updateAddonRow } from './repo.js';
import type { Addon, AddonInput } from './types.js';

export type NewAddon = AddonInput & { name: string; price: number; currency: string; tax_category: string };

export class AddonService {
  constructor(private readonly scope: Scope) {}

  async get(addonId: string): Promise<Addon> {
    const [addon] = await this.findMany([addonId]);
    if (!addon) throw notFound('addon', addonId, 'list_addons');
    return addon;
  }

  /** The addons of these ids, in no particular order; ids that do not exist are simply absent. */
  findMany(addonIds: readonly string[]): Promise<Addon[]> {
    return findAddons(this.scope.db, this.scope.businessId, addonIds);
  }

  async list(page?: PageRequest): Promise<Page<Addon>> {
    const window = pageWindow(page);
    return toPage(window, await listAddons(this.scope.db, this.scope.businessId, window));
  }

  async create(input: NewAddon): Promise<Addon> {
    checkAddonInput(input);
    const currency = assertCurrency(input.currency);
    const tax_category = assertTaxCategory(input.tax_category);
    return this.scope.transaction(async (tx) => {
      const now = tx.clock.now();
      const addon_id = tx.ids.next('addon');
      await insertAddon(tx.db, {
        addon_id,
        business_id: tx.businessId,
        name: input.name,
        description: input.description ?? null,
        price: input.price,
        currency,
        tax_category,
        image: input.image ?? null,
        created_at: now,
        updated_at: now,
      });
      return tx.addons.get(addon_id);
    });
  }

  /** Price edits bill from the next cycle of new purchases; a currency change must match every product using it. */
  async update(addonId: string, input: AddonInput): Promise<Addon> {
    checkAddonInput(input);
    const currency = input.currency === undefined ? undefined : assertCurrency(input.currency);
    const tax_category = input.tax_category === undefined ? undefined : assertTaxCategory(input.tax_category);
    return this.scope.transaction(async (tx) => {
      const addon = await tx.addons.get(addonId);
      if (currency !== undefined && currency !== addon.currency) {
        const used = await attachedProductCurrencies(tx.db, addonId);
        if (used.some((c) => c !== currency)) {
          throw new BillingError(
            'UNSUPPORTED_CURRENCY',
            `addon ${addonId} is attached to ${used.join(', ')} products; its currency cannot become ${currency}`,
            'detach it from those products first, or create a new addon',
          );
        }
      }
      await updateAddonRow(tx.db, addonId, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.price !== undefined && { price: input.price }),
        ...(currency !== undefined && { currency }),
        ...(tax_category !== undefined && { tax_category }),
        ...(input.image !== undefined && { image: input.image }),
        updated_at: tx.clock.now(),
      });
      return tx.addons.get(addonId);
    });
  }
}

function checkAddonInput(input: AddonInput): void {
  if (input.name !== undefined) checkText('name', input.name, { min: 1, max: 100 });
  if (input.description) checkText('description', input.description, { max: 1000 });
  if (input.price !== undefined) assertMinorUnits('price', input.price);
}
