import { AddonService } from './addons/service.js';
import { insertBrand } from './brands/repo.js';
import { BrandService } from './brands/service.js';
import { CheckoutService } from './checkout/service.js';
import type { SubscriptionStarter } from './checkout/subscription-starter.js';
import { type Clock, systemClock } from './clock.js';
import { CollectionService } from './collections/service.js';
import type { EngineContext } from './context.js';
import { CustomerService } from './customers/service.js';
import { type Db, migrateToLatest, pendingMigrations } from './db/database.js';
import { inTransaction } from './db/transaction.js';
import { DiscountService } from './discounts/service.js';
import { type IdSource, randomIds } from './ids.js';
import { type PaymentProcessor, TestProcessor } from './payments/processor.js';
import { PaymentService } from './payments/service.js';
import { ProductService } from './products/service.js';
import { RefundService } from './refunds/service.js';
import { findBusinessId, insertBusiness } from './settings/repo.js';
import { SettingsService } from './settings/service.js';
import { WalletService } from './wallets/service.js';

export interface EngineOptions {
  db: Db;
  clock?: Clock;
  ids?: IdSource;
  /** Open without writing anything: no migrations, no set-up. The database must be ready. */
  readonly?: boolean;
  /** Who moves money; default the test processor of SPEC §5 (4242… succeeds, …0002 declines). */
  processor?: PaymentProcessor;
  /** Starts subscriptions bought through checkout; without one, subscription checkouts cannot complete. */
  subscriptionStarter?: SubscriptionStarter;
  /** This server's HTTP address, for checkout_url (default http://127.0.0.1:3000). */
  publicBaseUrl?: string;
}

export const DEFAULT_PUBLIC_BASE_URL = 'http://127.0.0.1:3000';

/** The billing engine: one object holding every domain service, over one database. */
export interface Engine {
  readonly ctx: EngineContext;
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
  close(): Promise<void>;
}

/**
 * Opens the engine on a database: applies pending migrations and, on first use, sets up the business
 * with its default settings and primary brand. Knows nothing of MCP.
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const businessId = options.readonly
    ? await requireReadyDatabase(options.db)
    : await prepareDatabase(options.db, clock, ids);
  const ctx: EngineContext = { db: options.db, clock, ids, businessId };
  const processor = options.processor ?? new TestProcessor(clock);
  return {
    ctx,
    settings: new SettingsService(ctx),
    brands: new BrandService(ctx),
    products: new ProductService(ctx),
    addons: new AddonService(ctx),
    customers: new CustomerService(ctx),
    wallets: new WalletService(ctx),
    collections: new CollectionService(ctx),
    discounts: new DiscountService(ctx),
    checkout: new CheckoutService(ctx, {
      processor,
      subscriptionStarter: options.subscriptionStarter ?? null,
      publicBaseUrl: options.publicBaseUrl ?? DEFAULT_PUBLIC_BASE_URL,
    }),
    payments: new PaymentService(ctx, processor),
    refunds: new RefundService(ctx),
    close: () => options.db.destroy(),
  };
}

async function prepareDatabase(db: Db, clock: Clock, ids: IdSource): Promise<string> {
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
