import type { Currency } from '../money.js';
import type { Interval, PriceType } from '../products/types.js';
import type { EffectiveAt, OnPaymentFailure, ProrationBillingMode } from '../rules/plan-change-modes.js';

/**
 * The plan-change rules a collection carries (SPEC D7). They bind the customer portal and
 * list_plan_change_options, not the merchant's change_subscription_plan. A null mode, timing or failure
 * policy means "inherit the business setting".
 */
export interface PlanChangePolicy {
  /** Default true. */
  allow_upgrades: boolean;
  /** Default true. */
  allow_downgrades: boolean;
  /** Default false. True: only plans billed on the same interval (monthly ↔ monthly) are offered. */
  force_same_billing_interval: boolean;
  proration_billing_mode_on_upgrade: ProrationBillingMode | null;
  proration_billing_mode_on_downgrade: ProrationBillingMode | null;
  effective_at_on_upgrade: EffectiveAt | null;
  effective_at_on_downgrade: EffectiveAt | null;
  on_payment_failure: OnPaymentFailure | null;
}

/** A product's place in a group; its position in `products` is its display order. */
export interface CollectionItem {
  item_id: string;
  product_id: string;
  /** Enabled: shown at checkout. */
  status: boolean;
}

export interface CollectionGroup {
  group_id: string;
  /** Null for an unnamed group; named groups are unique within their collection. */
  group_name: string | null;
  /** Enabled: its enabled items are shown at checkout. */
  status: boolean;
  products: CollectionItem[];
}

export interface Collection extends PlanChangePolicy {
  collection_id: string;
  business_id: string;
  brand_id: string;
  name: string;
  description: string | null;
  image: string | null;
  /** Archived collections are hidden (soft delete) until unarchived. */
  archived: boolean;
  /** In display order. */
  groups: CollectionGroup[];
  created_at: string;
  updated_at: string;
}

/** What unarchive returns: the collection, and the archived products its checkout will leave out. */
export interface UnarchivedCollection extends Collection {
  excluded_product_ids: string[];
}

/** One product as a collection checkout shows it. */
export interface CheckoutProduct {
  product_id: string;
  item_id: string;
  group_id: string;
  group_name: string | null;
  name: string;
  description: string | null;
  /** Minor units: the price of one-time and recurring products, the fixed fee of usage-based ones. */
  price: number;
  price_type: PriceType;
  currency: Currency;
  /** Null for one-time products. */
  payment_frequency_count: number | null;
  payment_frequency_interval: Interval | null;
  trial_period_days: number | null;
  pay_what_you_want: boolean;
  /** True on the first product of the whole list only: the checkout's default choice. */
  pre_selected: boolean;
}

export interface CollectionCheckout {
  collection_id: string;
  name: string;
  archived: boolean;
  items: CheckoutProduct[];
  page_number: number;
  page_size: number;
  has_more: boolean;
}

export interface GroupProductInput {
  product_id: string;
  /** Default true. */
  status?: boolean | undefined;
}

export interface NewGroup {
  group_name?: string | null | undefined;
  /** Default true. */
  status?: boolean | undefined;
  products?: GroupProductInput[] | undefined;
}

export interface PlanChangePolicyInput {
  allow_upgrades?: boolean | undefined;
  allow_downgrades?: boolean | undefined;
  force_same_billing_interval?: boolean | undefined;
  proration_billing_mode_on_upgrade?: ProrationBillingMode | null | undefined;
  proration_billing_mode_on_downgrade?: ProrationBillingMode | null | undefined;
  effective_at_on_upgrade?: EffectiveAt | null | undefined;
  effective_at_on_downgrade?: EffectiveAt | null | undefined;
  on_payment_failure?: OnPaymentFailure | null | undefined;
}

export interface NewCollection extends PlanChangePolicyInput {
  name: string;
  description?: string | null | undefined;
  image?: string | null | undefined;
  /** Default: the primary brand. Every product must be of this brand. */
  brand_id?: string | undefined;
  groups?: NewGroup[] | undefined;
  /** Products outside any group: they go into one unnamed group placed before `groups`. */
  products?: GroupProductInput[] | undefined;
}

export interface CollectionChanges extends PlanChangePolicyInput {
  name?: string | undefined;
  description?: string | null | undefined;
  image?: string | null | undefined;
  /** Every group id of the collection, each once, in the new display order. */
  group_order?: string[] | undefined;
}

export interface GroupChanges {
  group_name?: string | null | undefined;
  status?: boolean | undefined;
  /** Every item of the group, each once, by item id (pci_…) or product id (pdt_…), in the new order. */
  product_order?: string[] | undefined;
}

export interface CollectionFilter {
  /** true: only archived collections; false (default): only live ones. */
  archived?: boolean | undefined;
  brand_id?: string | undefined;
}
