import type { EngineContext } from '../context.js';
import { inTransaction } from '../db/transaction.js';
import { BillingError, notFound } from '../errors.js';
import { assertCurrency } from '../money.js';
import { assertTaxCategory } from '../rules/tax-categories.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { assertMinorUnits } from '../shared/amounts.js';
import { attachedProductCurrencies, findAddons, insertAddon, listAddons, updateAddonRow } from './repo.js';
import type { Addon, AddonInput } from './types.js';

export type NewAddon = AddonInput & { name: string; price: number; currency: string; tax_category: string };

export class AddonService {
  constructor(private readonly ctx: EngineContext) {}

  async get(addonId: string): Promise<Addon> {
    const [addon] = await findAddons(this.ctx.db, this.ctx.businessId, [addonId]);
    if (!addon) throw notFound('addon', addonId, 'list_addons');
    return addon;
  }

  async list(page?: PageRequest): Promise<Page<Addon>> {
    const window = pageWindow(page);
    return toPage(window, await listAddons(this.ctx.db, this.ctx.businessId, window));
  }

  async create(input: NewAddon): Promise<Addon> {
    checkAddonInput(input);
    const currency = assertCurrency(input.currency);
    const tax_category = assertTaxCategory(input.tax_category);
    return inTransaction(this.ctx.db, async (trx) => {
      const now = this.ctx.clock.now();
      const addon_id = this.ctx.ids.next('addon');
      await insertAddon(trx, {
        addon_id,
        business_id: this.ctx.businessId,
        name: input.name,
        description: input.description ?? null,
        price: input.price,
        currency,
        tax_category,
        image: input.image ?? null,
        created_at: now,
        updated_at: now,
      });
      return new AddonService({ ...this.ctx, db: trx }).get(addon_id);
    });
  }

  /** Price edits bill from the next cycle of new purchases; a currency change must match every product using it. */
  async update(addonId: string, input: AddonInput): Promise<Addon> {
    checkAddonInput(input);
    const currency = input.currency === undefined ? undefined : assertCurrency(input.currency);
    const tax_category = input.tax_category === undefined ? undefined : assertTaxCategory(input.tax_category);
    return inTransaction(this.ctx.db, async (trx) => {
      const service = new AddonService({ ...this.ctx, db: trx });
      const addon = await service.get(addonId);
      if (currency !== undefined && currency !== addon.currency) {
        const used = await attachedProductCurrencies(trx, addonId);
        if (used.some((c) => c !== currency)) {
          throw new BillingError(
            'UNSUPPORTED_CURRENCY',
            `addon ${addonId} is attached to ${used.join(', ')} products; its currency cannot become ${currency}`,
            'detach it from those products first, or create a new addon',
          );
        }
      }
      await updateAddonRow(trx, addonId, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.price !== undefined && { price: input.price }),
        ...(currency !== undefined && { currency }),
        ...(tax_category !== undefined && { tax_category }),
        ...(input.image !== undefined && { image: input.image }),
        updated_at: this.ctx.clock.now(),
      });
      return service.get(addonId);
    });
  }
}

function checkAddonInput(input: AddonInput): void {
  if (input.name !== undefined) checkText('name', input.name, { min: 1, max: 100 });
  if (input.description) checkText('description', input.description, { max: 1000 });
  if (input.price !== undefined) assertMinorUnits('price', input.price);
}
