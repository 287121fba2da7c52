import type { Currency } from '../money.js';
import type { TaxCategory } from '../rules/tax-categories.js';

/** An addon is billed alongside a subscription, `price × quantity` every cycle (seats, extra storage). */
export interface Addon {
  addon_id: string;
  business_id: string;
  name: string;
  description: string | null;
  /** Minor units per unit per billing cycle: 500 = $5.00 per seat. */
  price: number;
  currency: Currency;
  tax_category: TaxCategory;
  image: string | null;
  created_at: string;
  updated_at: string;
}

export interface AddonInput {
  name?: string | undefined;
  description?: string | null | undefined;
  price?: number | undefined;
  currency?: string | undefined;
  tax_category?: string | undefined;
  image?: string | null | undefined;
}
