import { AddonService } from './addons/service.js';
import { BrandService } from './brands/service.js';
import { CheckoutService } from './checkout/service.js';
import type { SubscriptionStarter } from './checkout/subscription-starter.js';
import type { Clock } from './clock.js';
import { CollectionService } from './collections/service.js';
import type { EngineContext } from './context.js';
import { CustomerService } from './customers/service.js';
import type { Db } from './db/database.js';
import { inTransaction } from './db/transaction.js';
import { DiscountService } from './discounts/service.js';
import type { IdSource } from './ids.js';
import { LicenseService } from './licenses/service.js';
import { MeterService } from './meters/service.js';
import type { PaymentProcessor } from './payments/processor.js';
import { PaymentService } from './payments/service.js';
import { PlanChangeService } from './plan-changes/service.js';
import { PortalService } from './portal/service.js';
import { ProductService } from './products/service.js';
import { RefundService } from './refunds/service.js';
import { SettingsService } from './settings/service.js';
import { SubscriptionService } from './subscriptions/service.js';
import { UsageService } from './usage/service.js';
import type { UsageEventStore } from './usage/store.js';
import { WalletService } from './wallets/service.js';
import { type DispatcherOptions, WebhookDispatcher } from './webhooks/dispatcher.js';
import { WebhookService } from './webhooks/service.js';

/** What services need besides the data of a unit of work: one object, shared by every scope of an engine. */
export interface ScopeDeps {
  /** Who moves money: every charge (checkout, create_payment, subscriptions, plan changes) goes through it. */
  readonly processor: PaymentProcessor;
  /** Starts the subscriptions a checkout sells; null: subscription checkouts cannot complete. */
  readonly subscriptionStarter: SubscriptionStarter | null;
  /** Where this process serves its pages now; checkout_url and portal links start with it. */
  readonly publicBaseUrl: () => string;
  /** Where usage events are kept: the store the engine chose for its database's dialect when it opened. */
  readonly usageEvents: UsageEventStore;
  /** The webhook dispatcher's delivery settings: per-attempt timeout, concurrency, the signing clock. */
  readonly webhooks: Omit<DispatcherOptions, 'loaders'>;
}

/** What every scope of one engine shares: the root scope, and the dispatcher, built once on first use. */
interface EngineWide {
  readonly root: Scope;
  dispatcher?: WebhookDispatcher;
}

/**
 * A unit of work: the data every service needs (an EngineContext: database, clock, ids, business) plus
 * every domain service bound to that same database, and `transaction`. This is the one way services reach
 * each other and the one way a write spans domains:
 *
 * - A service takes the Scope it belongs to; a write runs `this.scope.transaction(async (tx) => …)` and
 *   does all of its work through `tx`: its own repos with `tx.db`, other domains through `tx.customers`,
 *   `tx.payments` …, each bound to the same transaction. A checkout completing calls
 *   `tx.payments.charge(order)`, so the charge, its events and the session's completion commit together.
 * - `transaction` joins the transaction already open (a scope whose db is a transaction hands itself to
 *   `work`), so a service called from inside another's transaction writes into it, never beside it: on
 *   SQLite a second transaction would wait for the connection the first one holds.
 * - A domain never imports another domain's repo or service; it asks the other domain's service through
 *   the scope. Pure rules several domains need live in the kernel (rules/, pricing/).
 * - Code that needs only data (repos, the webhook dispatcher's parts, the usage store) keeps taking an
 *   EngineContext or a Db; a Scope is an EngineContext.
 *
 * Services are created on first use and kept for the scope's life, so a root scope's services are the
 * engine's (engine.products is engine.ctx.products) and a transaction's are created once per transaction.
 */
export class Scope implements EngineContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly businessId: string;
  readonly deps: ScopeDeps;
  #engine: EngineWide;

  #settings?: SettingsService;
  #brands?: BrandService;
  #products?: ProductService;
  #addons?: AddonService;
  #customers?: CustomerService;
  #wallets?: WalletService;
  #collections?: CollectionService;
  #discounts?: DiscountService;
  #checkout?: CheckoutService;
  #payments?: PaymentService;
  #refunds?: RefundService;
  #planChanges?: PlanChangeService;
  #subscriptions?: SubscriptionService;
  #meters?: MeterService;
  #usage?: UsageService;
  #webhooks?: WebhookService;
  #licenses?: LicenseService;
  #portal?: PortalService;

  /** The root scope of an engine over `data.db`; `transaction` derives the others from it. */
  constructor(data: EngineContext, deps: ScopeDeps) {
    this.db = data.db;
    this.clock = data.clock;
    this.ids = data.ids;
    this.businessId = data.businessId;
    this.deps = deps;
    this.#engine = { root: this };
  }

  /**
   * Runs `work` in one transaction and hands it the scope of that transaction: everything it writes,
   * through any service of `tx`, commits together or not at all. Inside a transaction already, `work`
   * joins it (it gets this scope).
   */
  transaction<T>(work: (tx: Scope) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return inTransaction(this.db, (trx) => work(this.over(trx)));
  }

  get settings(): SettingsService {
    return (this.#settings ??= new SettingsService(this));
  }

  get brands(): BrandService {
    return (this.#brands ??= new BrandService(this));
  }

  get products(): ProductService {
    return (this.#products ??= new ProductService(this));
  }

  get addons(): AddonService {
    return (this.#addons ??= new AddonService(this));
  }

  get customers(): CustomerService {
    return (this.#customers ??= new CustomerService(this));
  }

  get wallets(): WalletService {
    return (this.#wallets ??= new WalletService(this));
  }

  get collections(): CollectionService {
    return (this.#collections ??= new CollectionService(this));
  }

  get discounts(): DiscountService {
    return (this.#discounts ??= new DiscountService(this));
  }

  get checkout(): CheckoutService {
    return (this.#checkout ??= new CheckoutService(this));
  }

  get payments(): PaymentService {
    return (this.#payments ??= new PaymentService(this));
  }

  get refunds(): RefundService {
    return (this.#refunds ??= new RefundService(this));
  }

  get planChanges(): PlanChangeService {
    return (this.#planChanges ??= new PlanChangeService(this));
  }

  get subscriptions(): SubscriptionService {
    return (this.#subscriptions ??= new SubscriptionService(this));
  }

  get meters(): MeterService {
    return (this.#meters ??= new MeterService(this));
  }

  get usage(): UsageService {
    return (this.#usage ??= new UsageService(this));
  }

  get webhooks(): WebhookService {
    return (this.#webhooks ??= new WebhookService(this));
  }

  get licenses(): LicenseService {
    return (this.#licenses ??= new LicenseService(this));
  }

  get portal(): PortalService {
    return (this.#portal ??= new PortalService(this));
  }

  /**
   * The engine's one webhook dispatcher, whichever scope asks: it holds the send pool, lanes and timers,
   * and runs its own transactions over the root scope's database, never a caller's.
   */
  get webhookDispatcher(): WebhookDispatcher {
    const engine = this.#engine;
    const root = engine.root;
    return (engine.dispatcher ??= new WebhookDispatcher(root, {
      ...this.deps.webhooks,
      // SPEC §4: the body carries the object's latest state at delivery.
      loaders: {
        Payment: (id) => root.payments.get(id),
        Subscription: (id) => root.subscriptions.get(id),
        Refund: (id) => root.refunds.get(id),
        LicenseKey: (id) => root.licenses.get(id),
      },
    }));
  }

  /** This scope's data over `trx`, a transaction of its database, sharing its deps and engine-wide parts. */
  private over(trx: Db): Scope {
    const tx = new Scope({ db: trx, clock: this.clock, ids: this.ids, businessId: this.businessId }, this.deps);
    tx.#engine = this.#engine;
    return tx;
  }
}
