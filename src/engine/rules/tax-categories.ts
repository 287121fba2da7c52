import { BillingError } from '../errors.js';

/** The tax categories the API accepts; anything else is UNSUPPORTED_TAX_CATEGORY. */
export const TAX_CATEGORIES = ['digital_products', 'saas', 'e_book', 'edtech'] as const;
export type TaxCategory = (typeof TAX_CATEGORIES)[number];

export function assertTaxCategory(value: string): TaxCategory {
  if (!(TAX_CATEGORIES as readonly string[]).includes(value)) {
    throw new BillingError('UNSUPPORTED_TAX_CATEGORY', `tax category ${value} is not supported`, `use one of ${TAX_CATEGORIES.join(', ')}`);
  }
  return value as TaxCategory;
}
