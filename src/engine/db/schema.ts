import type { Generated } from 'kysely';

/**
 * The tables as Kysely sees them. Portable types only: text, integer (0/1 for booleans, epoch ms for
 * instants, minor units for money) and JSON stored as text, so the same repos run on SQLite and PostgreSQL.
 */
export interface Database {
  business_settings: BusinessSettingsTable;
  brands: BrandsTable;
  products: ProductsTable;
  product_addons: ProductAddonsTable;
  addons: AddonsTable;
  collections: CollectionsTable;
  collection_groups: CollectionGroupsTable;
  collection_items: CollectionItemsTable;
  outbox_events: OutboxEventsTable;
}

export type Flag = 0 | 1;

export interface BusinessSettingsTable {
  business_id: string;
  allow_multiple_subscriptions: Flag;
  allow_subscription_updates: Flag;
  default_tax_rate_bps: number;
  updated_at: number;
}

export interface BrandsTable {
  brand_id: string;
  business_id: string;
  name: string;
  description: string | null;
  url: string | null;
  image: string | null;
  statement_descriptor: string | null;
  support_email: string | null;
  enabled: Flag;
  verification_status: string;
  is_primary: Flag;
  created_at: number;
  updated_at: number;
}

export interface ProductsTable {
  product_id: string;
  business_id: string;
  brand_id: string;
  name: string;
  description: string | null;
  image: string | null;
  tax_category: string;
  price_type: string;
  currency: string;
  /** one-time and recurring: the price; usage-based: the fixed fee. Minor units. */
  price: number;
  discount: number;
  pay_what_you_want: Flag;
  suggested_price: number | null;
  tax_inclusive: Flag | null;
  payment_frequency_count: number | null;
  payment_frequency_interval: string | null;
  subscription_period_count: number | null;
  subscription_period_interval: string | null;
  trial_period_days: number | null;
  license_key_enabled: Flag;
  license_key_activations_limit: number | null;
  license_key_duration_count: number | null;
  license_key_duration_interval: string | null;
  license_key_activation_message: string | null;
  digital_product_delivery: string | null;
  metadata: string;
  archived: Flag;
  created_at: number;
  updated_at: number;
}

export interface ProductAddonsTable {
  product_id: string;
  addon_id: string;
  position: number;
}

export interface AddonsTable {
  addon_id: string;
  business_id: string;
  name: string;
  description: string | null;
  price: number;
  currency: string;
  tax_category: string;
  image: string | null;
  created_at: number;
  updated_at: number;
}

export interface CollectionsTable {
  collection_id: string;
  business_id: string;
  brand_id: string;
  name: string;
  description: string | null;
  image: string | null;
  archived: Flag;
  allow_upgrades: Flag;
  allow_downgrades: Flag;
  force_same_billing_interval: Flag;
  proration_billing_mode_on_upgrade: string | null;
  proration_billing_mode_on_downgrade: string | null;
  effective_at_on_upgrade: string | null;
  effective_at_on_downgrade: string | null;
  on_payment_failure: string | null;
  created_at: number;
  updated_at: number;
}

export interface CollectionGroupsTable {
  group_id: string;
  collection_id: string;
  group_name: string | null;
  enabled: Flag;
  position: number;
  created_at: number;
}

export interface CollectionItemsTable {
  item_id: string;
  group_id: string;
  product_id: string;
  enabled: Flag;
  position: number;
  created_at: number;
}

export interface OutboxEventsTable {
  /** Insertion order: the order events happened in. */
  sequence: Generated<number>;
  event_id: string;
  business_id: string;
  type: string;
  /** The object the event is about, e.g. a product id; the payload is built from its state at delivery. */
  object_id: string | null;
  payload: string;
  occurred_at: number;
}
