import type { AddonService } from './addons/service.js';
import { insertBrand } from './brands/repo.js';
import type { BrandService } from './brands/service.js';
import type { CheckoutService } from './checkout/service.js';
import type { SubscriptionStarter } from './checkout/subscription-starter.js';
import { type Clock, OffsetClock, systemClock } from './clock.js';
import type { CollectionService } from './collections/service.js';
import type { CustomerService } from './customers/service.js';
import { type Db, migrateToLatest, pendingMigrations, rawSqliteOf } from './db/database.js';
import { createFromSnapshot, type SchemaSnapshot } from './db/schema-snapshot.js';
import { inTransaction } from './db/transaction.js';
import type { DiscountService } from './discounts/service.js';
import { type IdSource, randomIds } from './ids.js';
import type { LicenseService } from './licenses/service.js';
import type { MeterService } from './meters/service.js';
import { type PaymentProcessor, TestProcessor } from './payments/processor.js';
import type { PaymentService } from './payments/service.js';
import type { PlanChangeService } from './plan-changes/service.js';
import type { PortalService } from './portal/service.js';
import type { ProductService } from './products/service.js';
import type { RefundService } from './refunds/service.js';
import { Scope } from './scope.js';
import { findBusinessId, insertBusiness } from './settings/repo.js';
import type { SettingsService } from './settings/service.js';
import { DueWorkRunner } from './subscriptions/runner.js';
import { type SubscriptionService, subscriptionEngineStarter } from './subscriptions/service.js';
import { findTestClockOffset, PostgresStoredOffset, sqliteStoredOffset } from './test-clock/repo.js';
import { type OpenedPostgres, postgresHandleOf } from './db/postgres-registry.js';
import type { OpenPostgresOptions } from './db/postgres.js';
import { TestClockService } from './test-clock/service.js';
import { usageEventStoreFor } from './usage/open-store.js';
import type { UsageService } from './usage/service.js';
import type { WalletService } from './wallets/service.js';
import type { DispatcherOptions, WebhookDispatcher } from './webhooks/dispatcher.js';
import type { WebhookService } from './webhooks/service.js';

export interface EngineOptions {
  db: Db;
  clock?: Clock;
  ids?: IdSource;
  /** Open without writing anything: no migrations, no set-up. The database must be ready. */
  readonly?: boolean;
  /** Who moves money; default the test processor of SPEC §5 (4242… succeeds, …0002 declines). */
  processor?: PaymentProcessor;
  /**
   * Starts subscriptions bought through checkout; default the subscription engine's. null: none, so
   * subscription checkouts cannot complete.
   */
  subscriptionStarter?: SubscriptionStarter | null;
  /**
   * Where this process serves the hosted pages, for checkout_url and portal links (default
   * http://127.0.0.1:3000). A function when the address is known only once the page server listens
   * (a free port); it is read at each use, so every link names the address that answers now.
   */
  publicBaseUrl?: string | (() => string);
  /**
   * Webhook delivery settings: per-attempt timeout (default 15 s), concurrency, who sends (default
   * FetchWebhookSender, over fetch), and the real time it runs on (the signing timestamp's clock, the
   * stopwatch and sleep behind rate limits and the recorder's batching; tests inject scripted ones).
   */
  webhooks?: Pick<DispatcherOptions, 'timeoutMs' | 'concurrency' | 'perEndpointConcurrency' | 'sender' | 'wallClock' | 'stopwatch' | 'sleep'>;
  /** Usage events staged before they are merged in bulk (default 100,000; see usage/sqlite-store.ts). */
  usageMergeThreshold?: number;
  /**
   * How a brand-new database gets its schema: from this snapshot of every migration, in one transaction
   * (db/schema-snapshot.ts; the CLI passes the one its build captured). Without it, or for any database
   * that already has tables, the migrations run one by one as always.
   */
  schemaSnapshot?: SchemaSnapshot;
}

export { databaseBusy, isDatabaseBusy } from './db/write-lock.js';
export { FetchWebhookSender, type WebhookRequest, type WebhookResponse, type WebhookSender } from './webhooks/sender.js';
export type { Scope, ScopeDeps } from './scope.js';

export const DEFAULT_PUBLIC_BASE_URL = 'http://127.0.0.1:3000';

/** The billing engine: one object holding every domain service, over one database. */
export interface Engine {
  /**
   * The engine's root scope (scope.ts): its data (db, clock, ids, businessId) and every service, the same
   * objects as the fields below; `ctx.transaction((tx) => …)` runs work through `tx` in one transaction.
   */
  readonly ctx: Scope;
  readonly settings: SettingsService;
  readonly brands: BrandService;
  readonly products: ProductService;
  readonly addons: AddonService;
  readonly customers: CustomerService;
  readonly wallets: WalletService;
  readonly collections: CollectionService;
  readonly discounts: DiscountService;
  readonly checkout: CheckoutService;
  readonly payments: PaymentService;
  readonly refunds: RefundService;
  /** Plan changes and their previews, scheduled changes, and a collection's change options (SPEC §2.4, D7). */
  readonly planChanges: PlanChangeService;
  /** Subscriptions: create, read, update, cancel, payment-method updates, on-demand charges (SPEC §2.3, §2.6). */
  readonly subscriptions: SubscriptionService;
  /** Renewals, trial ends, scheduled cancellations and plan changes, term ends: run(until) does what is due. */
  readonly dueWork: DueWorkRunner;
  /** The test clock (SPEC D14): read it, and advance it stepwise through the due work. */
  readonly testClock: TestClockService;
  /** Meters: what usage-based products count (SPEC §1.14). */
  readonly meters: MeterService;
  /** Usage events: idempotent batch ingestion, reads, and a subscription's usage history (SPEC §1.15, §2.7). */
  readonly usage: UsageService;
  /** Webhook endpoints, secrets and the delivery log (SPEC §1.17, §4); deliveries run through `webhookDispatcher`. */
  readonly webhooks: WebhookService;
  /**
   * Delivers every outbox event to the matching endpoints, signed, with retries on the engine clock. The
   * due-work runner (and so the test clock) drives it; `start(intervalMs)` polls for a real-time server.
   */
  readonly webhookDispatcher: WebhookDispatcher;
  /** License keys: validate, activate, deactivate, reads and updates (SPEC §2.10); issued by the charge pipeline. */
  readonly licenses: LicenseService;
  /** The customer portal: its links (sessions) and what a customer sees and does through one (SPEC §1.6, D18). */
  readonly portal: PortalService;
  /**
   * Runs the due work at the clock's now every `intervalMs` (the real-clock server's renewals), one run at
   * a time, on an unref'd timer; failures go to `onError`. Returns the function that stops it.
   */
  startDueWorkTimer(intervalMs: number, onError?: (error: unknown) => void): () => void;
  close(): Promise<void>;
}

/**
 * Opens the engine on a database: applies pending migrations and, on first use, sets up the business
 * with its default settings and primary brand. Knows nothing of MCP.
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  // Without an injected clock: real time plus the persisted test-clock offset (SPEC D14).
  const defaultClock = new OffsetClock(systemClock);
  const clock = options.clock ?? defaultClock;
  const ids = options.ids ?? randomIds;
  const businessId = options.readonly
    ? await requireReadyDatabase(options.db)
    : await prepareDatabase(options.db, clock, ids, options.schemaSnapshot);
  let postgresOffset: PostgresStoredOffset | undefined;
  if (clock === defaultClock) {
    // One test clock for every process on the database (SPEC D17): the offset is the stored one.
    const raw = rawSqliteOf(options.db);
    const postgres = raw ? undefined : postgresHandleOf(options.db);
    if (raw) defaultClock.follow(sqliteStoredOffset(raw, businessId));
    else if (postgres) {
      postgresOffset = new PostgresStoredOffset(postgres, businessId);
      await postgresOffset.start();
      defaultClock.follow(postgresOffset);
    } else defaultClock.advance(await findTestClockOffset(options.db, businessId));
  }
  const root = new Scope(
    { db: options.db, clock, ids, businessId },
    {
      processor: options.processor ?? new TestProcessor(clock),
      subscriptionStarter: options.subscriptionStarter === undefined ? subscriptionEngineStarter : options.subscriptionStarter,
      publicBaseUrl: baseUrlOf(options.publicBaseUrl),
      // Chosen by dialect; a database no store supports yet opens, and its usage calls answer UNSUPPORTED_ACTION.
      usageEvents: usageEventStoreFor(options.db, { mergeThreshold: options.usageMergeThreshold }),
      webhooks: { ...options.webhooks },
    },
  );
  const webhookDispatcher = root.webhookDispatcher;
  const dueWork = new DueWorkRunner(root, { webhooks: webhookDispatcher });
  return {
    ctx: root,
    settings: root.settings,
    brands: root.brands,
    products: root.products,
    addons: root.addons,
    customers: root.customers,
    wallets: root.wallets,
    collections: root.collections,
    discounts: root.discounts,
    checkout: root.checkout,
    payments: root.payments,
    refunds: root.refunds,
    planChanges: root.planChanges,
    subscriptions: root.subscriptions,
    dueWork,
    testClock: new TestClockService(root, dueWork),
    meters: root.meters,
    usage: root.usage,
    webhooks: root.webhooks,
    webhookDispatcher,
    licenses: root.licenses,
    portal: root.portal,
    startDueWorkTimer: (intervalMs, onError) => startDueWorkTimer(dueWork, clock, intervalMs, onError),
    close: async () => {
      webhookDispatcher.close();
      await postgresOffset?.close();
      await options.db.destroy();
    },
  };
}

function baseUrlOf(given: EngineOptions['publicBaseUrl']): () => string {
  if (typeof given === 'function') return given;
  const fixed = given ?? DEFAULT_PUBLIC_BASE_URL;
  return () => fixed;
}

function startDueWorkTimer(runner: DueWorkRunner, clock: Clock, intervalMs: number, onError?: (error: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runner
      .run(clock.now())
      .then((results) => {
        for (const r of results) if (r.error !== undefined) onError?.(new Error(`${r.kind} of ${r.subscription_id} at ${r.at}: ${r.error}`));
      })
      .catch((error: unknown) => onError?.(error))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function prepareDatabase(db: Db, clock: Clock, ids: IdSource, snapshot: SchemaSnapshot | undefined): Promise<string> {
  // A new file from the snapshot; then migrateToLatest finds every migration recorded after one read.
  if (snapshot) await createFromSnapshot(db, snapshot, clock.now());
  await migrateToLatest(db);
  return inTransaction(db, async (trx) => {
    const existing = await findBusinessId(trx);
    if (existing) return existing;
    const businessId = ids.next('business');
    const now = clock.now();
    await insertBusiness(trx, businessId, now);
    await insertBrand(trx, {
      brand_id: ids.next('brand'),
      business_id: businessId,
      name: 'Primary brand',
      description: null,
      url: null,
      image: null,
      statement_descriptor: null,
      support_email: null,
      enabled: 1,
      verification_status: 'Success',
      is_primary: 1,
      created_at: now,
      updated_at: now,
    });
    return businessId;
  });
}

async function requireReadyDatabase(db: Db): Promise<string> {
  const pending = await pendingMigrations(db);
  const businessId = pending.length === 0 ? await findBusinessId(db) : undefined;
  if (!businessId) {
    throw new Error(
      `the database is not set up${pending.length > 0 ? ` (pending migrations: ${pending.join(', ')})` : ''}; ` +
        'start the server once without --read-only to create it',
    );
  }
  return businessId;
}

// The engine's public surface for the layers above it: src/tools, src/web, src/transports, src/cli and the
// library entry import the engine only from this file (eslint.config.js, boundaries/dependencies). What a
// tool schema or a page needs is re-exported here rather than imported from a domain's own files.
export { FrozenClock, systemClock, type Clock } from './clock.js';
export { BillingError, httpStatusOf, type ErrorCode } from './errors.js';
export { randomToken } from './ids.js';
export { SUPPORTED_CURRENCIES } from './money.js';
export { openDatabase, migrateToLatest, type Db } from './db/database.js';
export type { OpenPostgresOptions, OpenedPostgres };

/**
 * Opens a PostgreSQL database for the engine (db/postgres.ts). The `pg` driver is loaded here, on demand,
 * so a server on SQLite never pays for it at start.
 */
export async function openPostgresDatabase(options: OpenPostgresOptions): Promise<OpenedPostgres> {
  const { openPostgresDatabase: open } = await import('./db/postgres.js');
  return open(options);
}
export type { SchemaSnapshot } from './db/schema-snapshot.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageOf } from './shared/paging.js';
export { nulTextError, pathOfNulText } from './shared/text.js';
export { ADDRESS_FIELDS } from './checkout/page-types.js';
export type { AddressField, CheckoutChoice, CheckoutCredit, CheckoutPage, CheckoutReceipt, CustomerField } from './checkout/page-types.js';
export { MAX_TRIAL_DAYS, payWithOf } from './checkout/request-rules.js';
export { CHECKOUT_STATUSES, type CheckoutCartItem, type PayWith } from './checkout/types.js';
export type { CheckoutProduct } from './collections/types.js';
export { EFFECTIVE_AT, ON_PAYMENT_FAILURE, PRORATION_BILLING_MODES } from './rules/plan-change-modes.js';
export { CARD_BRANDS, TEST_FAILURE_CODES } from './customers/test-cards.js';
export type { CardInput, Customer } from './customers/types.js';
export { CODE_MAX_LENGTH, CODE_MIN_LENGTH, MAX_BASIS_POINTS } from './discounts/rules.js';
export { DISCOUNT_TYPES } from './discounts/types.js';
export { MAX_INSTANCE_NAME_LENGTH } from './licenses/rules.js';
export { LICENSE_KEY_STATUSES, VALIDATION_REASONS } from './licenses/types.js';
export { AGGREGATION_TYPES, FILTER_OPERATORS } from './meters/types.js';
export type { Invoice } from './payments/invoice-types.js';
export { PAYMENT_STATUSES, type Payment } from './payments/types.js';
export { PLAN_DIRECTIONS } from './plan-changes/direction.js';
export { PLAN_CHANGE_STATUSES, type PlanChangeOption } from './plan-changes/types.js';
export type { PortalAccess, PortalChangePreview, PortalLicenseKey, PortalOverview, PortalPlanOptions, PortalSubscription } from './portal/types.js';
export { TAX_CATEGORIES } from './rules/tax-categories.js';
export { INTERVALS, PRICE_TYPES, type Interval } from './products/types.js';
export { MAX_REASON_LENGTH } from './refunds/rules.js';
export { REFUND_STATUSES } from './refunds/types.js';
export { MAX_TAX_RATE_BPS } from './settings/service.js';
export { DUE_WORK_KINDS, SUBSCRIPTION_STATUSES } from './subscriptions/types.js';
export { ENTRY_TYPES, LEDGER_EVENT_TYPES } from './wallets/types.js';
export { WEBHOOK_EVENT_TYPES } from './webhooks/types.js';
