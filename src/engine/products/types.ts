import type { Currency } from '../money.js';
import type { Metadata } from '../shared/metadata.js';
import type { TaxCategory } from '../rules/tax-categories.js';

export const INTERVALS = ['Day', 'Week', 'Month', 'Year'] as const;
export type Interval = (typeof INTERVALS)[number];

export const PRICE_TYPES = ['one_time_price', 'recurring_price', 'usage_based_price'] as const;
export type PriceType = (typeof PRICE_TYPES)[number];

/** Sold once. With pay_what_you_want, `price` is the minimum the buyer may pay. */
export interface OneTimePrice {
  type: 'one_time_price';
  currency: Currency;
  /** Minor units: 4900 = $49.00. */
  price: number;
  /** Whole percent taken off the price, 0–100. */
  discount: number;
  pay_what_you_want: boolean;
  suggested_price: number | null;
  tax_inclusive: boolean | null;
  /** Always false: purchasing power parity is "not available" in the API. */
  purchasing_power_parity: false;
}

interface RecurringTerms {
  currency: Currency;
  discount: number;
  /** Renews every `payment_frequency_count` × `payment_frequency_interval`: 1 Month, 3 Month, 1 Year. */
  payment_frequency_count: number;
  payment_frequency_interval: Interval;
  /** The total term (10 Year); renewals stop at its end and the subscription expires. Null: no end. */
  subscription_period_count: number | null;
  subscription_period_interval: Interval | null;
  trial_period_days: number;
  tax_inclusive: boolean | null;
}

export interface RecurringPrice extends RecurringTerms {
  type: 'recurring_price';
  /** Minor units per cycle. */
  price: number;
}

/** A base fee per cycle plus metered usage billed in arrears at the renewal closing each period. */
export interface UsageBasedPrice extends RecurringTerms {
  type: 'usage_based_price';
  /** Base fee per cycle in minor units; may be 0. */
  fixed_price: number;
  /** At most 10; each bills max(0, units − free_threshold) × price_per_unit per period. */
  meters: ProductMeter[];
}

/** A meter on a usage-based price: 2,500 calls, 1,000 free, "2" per call → 1,500 × 2 = 3000 ($30). */
export interface ProductMeter {
  meter_id: string;
  /** Decimal string, minor units per unit: "2" = 2¢, "0.5" = half a cent. */
  price_per_unit: string;
  /** Units free every period (thresholds reset each cycle). */
  free_threshold: number;
  description: string | null;
}

export interface ProductMeterInput {
  meter_id: string;
  price_per_unit: string;
  free_threshold?: number | undefined;
  description?: string | null | undefined;
}

export type ProductPrice = OneTimePrice | RecurringPrice | UsageBasedPrice;

export interface LicenseKeyDuration {
  count: number;
  interval: Interval;
}

export interface DigitalProductDelivery {
  external_url?: string | null | undefined;
  instructions?: string | null | undefined;
}

export interface Product {
  product_id: string;
  business_id: string;
  brand_id: string;
  name: string;
  description: string | null;
  image: string | null;
  tax_category: TaxCategory;
  price: ProductPrice;
  /** True for recurring and usage-based prices. */
  is_recurring: boolean;
  addons: string[];
  license_key_enabled: boolean;
  /** Null: unlimited activations. */
  license_key_activations_limit: number | null;
  /** Null: keys never expire (subscription keys follow their subscription). */
  license_key_duration: LicenseKeyDuration | null;
  license_key_activation_message: string | null;
  digital_product_delivery: DigitalProductDelivery | null;
  metadata: Metadata;
  archived: boolean;
  created_at: string;
  updated_at: string;
}

/** Price as a caller sends it: omitted fields take the API defaults. */
export type PriceInput =
  | {
      type: 'one_time_price';
      currency: string;
      price: number;
      discount?: number | undefined;
      pay_what_you_want?: boolean | undefined;
      suggested_price?: number | null | undefined;
      tax_inclusive?: boolean | null | undefined;
    }
  | (RecurringTermsInput & { type: 'recurring_price'; price: number })
  | (RecurringTermsInput & { type: 'usage_based_price'; fixed_price: number; meters?: ProductMeterInput[] | undefined });

interface RecurringTermsInput {
  currency: string;
  discount?: number | undefined;
  payment_frequency_count: number;
  payment_frequency_interval: Interval;
  subscription_period_count?: number | null | undefined;
  subscription_period_interval?: Interval | null | undefined;
  trial_period_days?: number | undefined;
  tax_inclusive?: boolean | null | undefined;
}

export interface ProductInput {
  name?: string | undefined;
  description?: string | null | undefined;
  image?: string | null | undefined;
  brand_id?: string | undefined;
  tax_category?: string | undefined;
  price?: PriceInput | undefined;
  addons?: string[] | undefined;
  license_key_enabled?: boolean | undefined;
  license_key_activations_limit?: number | null | undefined;
  license_key_duration?: LicenseKeyDuration | null | undefined;
  license_key_activation_message?: string | null | undefined;
  digital_product_delivery?: DigitalProductDelivery | null | undefined;
  metadata?: Metadata | undefined;
}

export type NewProduct = ProductInput & { name: string; tax_category: string; price: PriceInput };

export interface ProductFilter {
  /** true: only archived products; false (default): only live ones. */
  archived?: boolean | undefined;
  recurring?: boolean | undefined;
  brand_id?: string | undefined;
}
