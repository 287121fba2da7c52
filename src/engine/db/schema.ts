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
  customers: CustomersTable;
  payment_methods: PaymentMethodsTable;
  wallets: WalletsTable;
  wallet_ledger_entries: WalletLedgerEntriesTable;
  discounts: DiscountsTable;
  checkout_sessions: CheckoutSessionsTable;
  payments: PaymentsTable;
  payment_line_items: PaymentLineItemsTable;
  invoices: InvoicesTable;
  refunds: RefundsTable;
  subscriptions: SubscriptionsTable;
  scheduled_plan_changes: ScheduledPlanChangesTable;
  subscription_period_runs: SubscriptionPeriodRunsTable;
  test_clock: TestClockTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_messages: WebhookMessagesTable;
  webhook_message_claims: WebhookMessageClaimsTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_dispatch_cursor: WebhookDispatchCursorTable;
  license_keys: LicenseKeysTable;
  license_key_instances: LicenseKeyInstancesTable;
  meters: MetersTable;
  product_meters: ProductMetersTable;
  usage_events: UsageEventsTable;
  usage_events_staged: UsageEventsTable;
  usage_event_runs: UsageEventRunsTable;
  usage_event_ids: UsageEventIdsTable;
  usage_staging_state: UsageStagingStateTable;
  subscription_usage_lines: SubscriptionUsageLinesTable;
  customer_portal_sessions: CustomerPortalSessionsTable;
}

export type Flag = 0 | 1;

export interface BusinessSettingsTable {
  business_id: string;
  allow_multiple_subscriptions: Flag;
  allow_subscription_updates: Flag;
  default_tax_rate_bps: number;
  proration_billing_mode_on_upgrade: string;
  proration_billing_mode_on_downgrade: string;
  effective_at_on_upgrade: string;
  effective_at_on_downgrade: string;
  on_payment_failure: string;
  updated_at: number;
}

export interface CustomerPortalSessionsTable {
  /** hex SHA-256 of the link's token: the token itself is never stored. */
  token_hash: string;
  business_id: string;
  customer_id: string;
  return_url: string | null;
  expires_at: number;
  created_at: number;
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

export interface CustomersTable {
  customer_id: string;
  business_id: string;
  email: string;
  name: string;
  phone_number: string | null;
  metadata: string;
  /** Creation order within the business, from 1 (migration 0003). */
  sequence: number;
  created_at: number;
  updated_at: number;
}

export interface PaymentMethodsTable {
  payment_method_id: string;
  customer_id: string;
  type: string;
  card_brand: string | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  card_country: string | null;
  /** The test processor's verdict for this method: null succeeds, else the failure code. */
  test_failure_code: string | null;
  created_at: number;
}

export interface WalletsTable {
  customer_id: string;
  currency: string;
  balance: number;
  created_at: number;
  updated_at: number;
}

export interface WalletLedgerEntriesTable {
  entry_id: string;
  customer_id: string;
  currency: string;
  amount: number;
  is_credit: Flag;
  before_balance: number;
  after_balance: number;
  event_type: string;
  reason: string | null;
  reference_object_id: string | null;
  idempotency_key: string | null;
  /** Order of the customer's entries, from 1 (migration 0003). */
  sequence: number;
  created_at: number;
}

export interface DiscountsTable {
  discount_id: string;
  business_id: string;
  name: string | null;
  code: string;
  type: string;
  amount: number;
  usage_limit: number | null;
  times_used: number;
  expires_at: number | null;
  /** JSON array of product ids; empty = any product. */
  restricted_to: string;
  subscription_cycles: number | null;
  preserve_on_plan_change: Flag;
  metadata: string;
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface CheckoutSessionsTable {
  session_id: string;
  business_id: string;
  status: string;
  request: string;
  product_collection_id: string | null;
  selected_product_id: string | null;
  customer_id: string | null;
  discount_id: string | null;
  payment_id: string | null;
  subscription_id: string | null;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

export interface PaymentsTable {
  payment_id: string;
  business_id: string;
  brand_id: string;
  customer_id: string;
  currency: string;
  subtotal: number;
  tax: number;
  total_amount: number;
  status: string;
  error_code: string | null;
  error_message: string | null;
  payment_method_id: string | null;
  payment_method_type: string | null;
  card_last_four: string | null;
  card_network: string | null;
  subscription_id: string | null;
  checkout_session_id: string | null;
  discount_id: string | null;
  invoice_id: string | null;
  refund_status: string | null;
  billing: string | null;
  metadata: string;
  created_at: number;
  updated_at: number;
}

export interface PaymentLineItemsTable {
  line_id: string;
  payment_id: string;
  position: number;
  item_id: string;
  kind: string;
  name: string;
  quantity: number;
  unit_price: number;
  gross_amount: number;
  discount_amount: number;
  amount: number;
  tax: number;
  is_prorated: Flag;
  proration_factor: string | null;
  refunded_amount: number;
}

export interface InvoicesTable {
  invoice_id: string;
  business_id: string;
  payment_id: string;
  number: number;
  document: string;
  issued_at: number;
}

export interface RefundsTable {
  refund_id: string;
  business_id: string;
  brand_id: string;
  payment_id: string;
  customer_id: string;
  amount: number;
  currency: string;
  is_partial: Flag;
  reason: string | null;
  status: string;
  items: string;
  metadata: string;
  created_at: number;
}

export interface SubscriptionsTable {
  subscription_id: string;
  business_id: string;
  brand_id: string;
  customer_id: string;
  product_id: string;
  quantity: number;
  /** JSON [{addon_id, quantity, unit_price}]. */
  addons: string;
  currency: string;
  unit_price: number;
  tax_inclusive: Flag;
  payment_frequency_count: number;
  payment_frequency_interval: string;
  subscription_period_count: number | null;
  subscription_period_interval: string | null;
  trial_period_days: number;
  billing_anchor: number;
  /** The period starting at billing_anchor (migration 0005). */
  anchor_period_index: number;
  period_index: number;
  previous_billing_date: number;
  next_billing_date: number;
  status: string;
  cancel_at_next_billing_date: Flag;
  cancelled_at: number | null;
  expires_at: number | null;
  on_demand: Flag;
  discount_id: string | null;
  discount_cycles_remaining: number | null;
  payment_method_id: string | null;
  billing: string | null;
  credit_balance: number;
  outstanding_amount: number;
  collection_id: string | null;
  checkout_session_id: string | null;
  metadata: string;
  created_at: number;
  updated_at: number;
}

export interface ScheduledPlanChangesTable {
  change_id: string;
  subscription_id: string;
  product_id: string;
  quantity: number;
  addons: string;
  discount_id: string | null;
  effective_at: number;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface SubscriptionPeriodRunsTable {
  subscription_id: string;
  period_index: number;
  kind: string;
  payment_id: string | null;
  ran_at: number;
}

export interface TestClockTable {
  business_id: string;
  offset_ms: number;
  updated_at: number;
  /** The engine running an advance now (migration 0010), and until when its lease holds, real-time ms. */
  advance_owner: string | null;
  advance_lease_until: number | null;
}

/** License keys (migration 0007): status is derived on read from disabled, expires_at and the subscription. */
export interface LicenseKeysTable {
  license_key_id: string;
  business_id: string;
  key: string;
  customer_id: string;
  product_id: string;
  payment_id: string | null;
  subscription_id: string | null;
  disabled: Flag;
  activations_limit: number | null;
  instances_count: number;
  expires_at: number | null;
  source: string;
  created_at: number;
  updated_at: number;
}

export interface LicenseKeyInstancesTable {
  license_key_instance_id: string;
  license_key_id: string;
  business_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface MetersTable {
  meter_id: string;
  business_id: string;
  name: string;
  description: string | null;
  event_name: string;
  measurement_unit: string;
  aggregation_type: string;
  aggregation_key: string | null;
  /** JSON {conjunction, clauses} or null. */
  filter: string | null;
  archived: Flag;
  created_at: number;
  updated_at: number;
}

export interface ProductMetersTable {
  product_id: string;
  meter_id: string;
  position: number;
  /** Decimal string, minor units per unit. */
  price_per_unit: string;
  free_threshold: number;
  description: string | null;
}

/**
 * A usage event, merged (usage_events) or staged (usage_events_staged): seq is the row's order of
 * arrival in its table, id_hash the 52-bit hash of event_id that the idempotency index holds.
 */
export interface UsageEventsTable {
  seq: Generated<number>;
  id_hash: number;
  event_id: string;
  business_id: string;
  customer_id: string;
  event_name: string;
  timestamp: number;
  /** JSON flat map, or null. */
  metadata: string | null;
}

/**
 * One customer's events of one name merged together: usage_events rows first_seq..last_seq, all with
 * timestamps in [min_ts, max_ts]. A meter total reads the runs of (customer, event name) that overlap
 * its period, then those rows by seq.
 */
export interface UsageEventRunsTable {
  customer_id: string;
  event_name: string;
  first_seq: number;
  last_seq: number;
  min_ts: number;
  max_ts: number;
}

/** The idempotency index of merged events: the 52-bit hash of each event_id and the row's seq. */
export interface UsageEventIdsTable {
  id_hash: number;
  seq: number;
}

/** One row: generation counts merges, so a process holding staged events in memory sees it must reload. */
export interface UsageStagingStateTable {
  id: number;
  generation: number;
}

export interface SubscriptionUsageLinesTable {
  subscription_id: string;
  period_start: number;
  period_end: number;
  position: number;
  product_id: string;
  meter_id: string;
  meter_name: string;
  segment_start: number;
  segment_end: number;
  /** Decimal strings: sums and maxima of metadata may be fractional. */
  consumed_units: string;
  chargeable_units: string;
  free_threshold: number;
  price_per_unit: string;
  amount: number;
  payment_id: string | null;
}

export interface WebhookEndpointsTable {
  webhook_id: string;
  business_id: string;
  url: string;
  description: string | null;
  disabled: Flag;
  /** JSON string[]; [] = every event type. */
  filter_types: string;
  /** JSON {name: value}. */
  headers: string;
  rate_limit: number | null;
  metadata: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookMessagesTable {
  message_id: string;
  webhook_id: string;
  business_id: string;
  event_id: string | null;
  event_type: string;
  object_id: string | null;
  event_payload: string;
  occurred_at: number;
  body: string | null;
  status: string;
  scheduled_attempts: number;
  next_attempt_at: number | null;
  is_test: Flag;
  created_at: number;
  updated_at: number;
}

/** A message whose attempt one engine is making now (migration 0010); real-time lease. */
export interface WebhookMessageClaimsTable {
  message_id: string;
  claimed_by: string;
  claimed_until: number;
}

export interface WebhookAttemptsTable {
  attempt_id: string;
  message_id: string;
  attempt: number;
  trigger: string;
  attempted_at: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  succeeded: Flag;
  next_attempt_at: number | null;
}

export interface WebhookDispatchCursorTable {
  business_id: string;
  last_sequence: number;
}
