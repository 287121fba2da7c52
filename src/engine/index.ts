import { AddonService } from './addons/service.js';
import { insertBrand } from './brands/repo.js';
import { BrandService } from './brands/service.js';
import { type Clock, systemClock } from './clock.js';
import { CollectionService } from './collections/service.js';
import type { EngineContext } from './context.js';
import { type Db, migrateToLatest, pendingMigrations } from './db/database.js';
import { inTransaction } from './db/transaction.js';
import { type IdSource, randomIds } from './ids.js';
import { ProductService } from './products/service.js';
import { findBusinessId, insertBusiness } from './settings/repo.js';
import { SettingsService } from './settings/service.js';

export interface EngineOptions {
  db: Db;
  clock?: Clock;
  ids?: IdSource;
  /** Open without writing anything: no migrations, no set-up. The database must be ready. */
  readonly?: boolean;
}

/** The billing engine: one object holding every domain service, over one database. */
export interface Engine {
  readonly ctx: EngineContext;
  readonly settings: SettingsService;
  readonly brands: BrandService;
  readonly products: ProductService;
  readonly addons: AddonService;
  readonly collections: CollectionService;
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
  return {
    ctx,
    settings: new SettingsService(ctx),
    brands: new BrandService(ctx),
    products: new ProductService(ctx),
    addons: new AddonService(ctx),
    collections: new CollectionService(ctx),
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
