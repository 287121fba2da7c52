// The mixed load of the soaks and the checks they share: test/e2e/soak-shared-database.test.ts (issue 12,
// server processes on one SQLite file) and test/postgres/replica-soak.test.ts (issue 17, stateless replicas on
// one PostgreSQL schema behind a balancer). A soak brings its servers: how they start, how one is killed and
// replaced, how a call reaches them, and how the database is read afterwards. This module fires the random
// operations at them from concurrent loops, classifies every answer (business refusals are allowed,
// INTERNAL_SERVER_ERROR and DATABASE_BUSY never), keeps the tallies and what was acknowledged, re-sends the
// usage batches lost with the killed server, and asserts what must hold on either database.
import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { CARD_OK } from './checkout-fixtures.js';
import { textOf } from './mcp-client.js';
import { APP, BASIC, errorCodeOf, PRO, type Server, usagePlan } from './shared-servers.js';

/** How long the loops run. */
export const LOAD_MS = 45_000;
/** When, after the loops start, a soak kills one server (its `midway`). */
export const KILL_AT_MS = 20_000;
/** Loops at once on each lane (a server, or a client of the balancer). */
export const LOOPS_PER_LANE = 3;
/** Usage events per ingest_usage_events call. */
export const BATCH_SIZE = 5;
/** Roughly one operation in twelve moves the shared clock three days. */
const ADVANCE_SHARE = 1 / 12;

/**
 * The refusals a call may meet in this mix, by tool, and why:
 * - a checkout session created just before another process advanced the clock past its expiry
 *   (INVALID_REQUEST_PARAMETERS "checkout session … expired at …", counted here as SESSION_EXPIRED);
 * - a debit above the balance; a refund of a payment already refunded (two loops picked it) or older
 *   than the 30-day window (the clock moves 3 days at a time).
 * Anything else (INTERNAL_SERVER_ERROR, DATABASE_BUSY, CONFLICT …) is a failure.
 */
const ALLOWED: Record<string, readonly string[]> = {
  complete_checkout_session: ['SESSION_EXPIRED'],
  create_wallet_ledger_entry: ['INSUFFICIENT_WALLET_FUNDS'],
  create_refund: ['PAYMENT_ALREADY_REFUNDED', 'REFUND_WINDOW_EXPIRED'],
};

type Plan = 'basic' | 'pro';

export interface PlanSubscription {
  subscription_id: string;
  customer_id: string;
  plan: Plan;
}

export interface UsageEventInput {
  event_id: string;
  customer_id: string;
  event_name: string;
}

interface Advanced {
  completed: boolean;
  stopped_by?: string;
  processed: { subscription_id: string; kind: string; error?: string }[];
}

interface Completed {
  subscription_id: string | null;
  payment: { payment_id: string; customer: { customer_id: string } };
}

interface IngestCounts {
  ingested_count: number;
  duplicate_count: number;
}

/** A call's answer, or what became of it: lost with a killed server, or failed (a failure of the run). */
type Outcome = CallToolResult | 'lost' | 'failed';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A small seeded generator, so a run's seed is in its summary line. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** errorCodeOf, with the one INVALID_REQUEST_PARAMETERS this mix expects told apart from any other. */
function refusalOf(tool: string, result: CallToolResult): string | null {
  const code = errorCodeOf(result);
  if (tool === 'complete_checkout_session' && code === 'INVALID_REQUEST_PARAMETERS' && /checkout session \S+ expired at /.test(textOf(result)))
    return 'SESSION_EXPIRED';
  return code;
}

/** The products the loops buy: Basic and Pro (monthly), the one-time app, the usage plan. */
export interface Catalog {
  basic: string;
  pro: string;
  app: string;
  usage: string;
}

export async function createCatalog(server: Server): Promise<Catalog> {
  const basic = await server.ok<{ product_id: string }>('create_product', BASIC);
  const pro = await server.ok<{ product_id: string }>('create_product', PRO);
  const app = await server.ok<{ product_id: string }>('create_product', APP);
  const usage = await usagePlan(server);
  return { basic: basic.product_id, pro: pro.product_id, app: app.product_id, usage: usage.product_id };
}

/** A step of the test that must not throw; if it does, the error carries what the soak's servers reported. */
export type Step = <T>(name: string, run: () => Promise<T>) => Promise<T>;

export function stepReporting(diagnostics: () => readonly string[]): Step {
  return async (name, run) => {
    try {
      return await run();
    } catch (error) {
      throw new Error(`${name}: ${messageOf(error)}\n${diagnostics().join('\n')}`, { cause: error });
    }
  };
}

/** How the calls went. */
export interface Tallies {
  calls: number;
  succeeded: number;
  lost: number;
  advances: number;
  /** Refusals by `tool:CODE`, and the first answer of each. */
  codes: Map<string, number>;
  samples: Map<string, string>;
  /** Calls that threw on a server that was not killed. */
  thrown: string[];
  /** Answers that arrived but were not what the mix expects (a fresh batch counted as duplicate …). */
  anomalies: string[];
}

/** What the loops learnt from answers that arrived. */
export interface Learnt {
  customers: string[];
  subscriptions: PlanSubscription[];
  usageCustomers: string[];
  /** Usage events acknowledged, by customer (every usage-plan customer has an entry). */
  acknowledged: Map<string, Set<string>>;
  /** Batches lost with the killed server: whether it stored them is unknown, so they are re-sent. */
  unacknowledged: UsageEventInput[][];
  appPayments: string[];
}

/** Where a loop sends its next operation: a server, or the one in a slot that is replaced midway. */
export type Lane = () => Server | Promise<Server>;

export interface SoakLoadOptions {
  catalog: Catalog;
  /** Besides any call to a server being killed: an error that says the call was lost with it (a balancer's 502). */
  lostOn?: (error: unknown) => boolean;
}

export interface SoakLoad {
  seed: number;
  random: () => number;
  tallies: Tallies;
  learnt: Learnt;
  /** The load cannot go on (the replacement did not start …): the loops stop after their current operation. */
  stop(): void;
  /**
   * LOOPS_PER_LANE loops per lane for LOAD_MS (or until a call fails), and `midway` KILL_AT_MS in; resolves
   * to how long the load ran.
   */
  run(lanes: readonly Lane[], midway: () => Promise<void>): Promise<number>;
  /**
   * Three usage batches sent to `server` as `kill` kills it. From now on whatever `server` has in flight is
   * lost, not a failure; the lost batches are re-sent by `resend`.
   */
  killWhileIngesting(server: Server, kill: () => Promise<void>): Promise<void>;
  /** The batches lost with the killed server, re-sent through `server`: resolves to how many events it already had. */
  resend(server: Server, step: Step): Promise<number>;
}

export function soakLoad({ catalog, lostOn = () => false }: SoakLoadOptions): SoakLoad {
  const seed = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
  const random = generator(seed);
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  const productOf: Record<Plan, string> = { basic: catalog.basic, pro: catalog.pro };

  const learnt: Learnt = { customers: [], subscriptions: [], usageCustomers: [], acknowledged: new Map(), unacknowledged: [], appPayments: [] };
  const { customers, subscriptions, usageCustomers, acknowledged, unacknowledged, appPayments } = learnt;
  const tallies: Tallies = { calls: 0, succeeded: 0, lost: 0, advances: 0, codes: new Map(), samples: new Map(), thrown: [], anomalies: [] };
  const { codes, samples, thrown, anomalies } = tallies;
  /** Servers being killed: whatever they had in flight is lost with them. */
  const doomed = new Set<Server>();
  /** Set when the load cannot go on (a call failed on a live server, the restart failed): loops stop. */
  let stopped = false;

  /** One call, classified. */
  const attempt = async (server: Server, tool: string, args: Record<string, unknown>): Promise<Outcome> => {
    tallies.calls += 1;
    let result: CallToolResult;
    try {
      result = await server.call(tool, args);
    } catch (error) {
      if (doomed.has(server) || lostOn(error)) {
        tallies.lost += 1;
        return 'lost';
      }
      thrown.push(`${server.name} ${tool}: ${messageOf(error)}`);
      stopped = true;
      return 'failed';
    }
    const code = refusalOf(tool, result);
    if (code === null) {
      tallies.succeeded += 1;
      return result;
    }
    const key = `${tool}:${code}`;
    codes.set(key, (codes.get(key) ?? 0) + 1);
    if (!samples.has(key)) samples.set(key, `${server.name} ${JSON.stringify(args)}: ${textOf(result)}`);
    return result;
  };
  const content = <T>(outcome: Outcome): T | null => (typeof outcome === 'string' || outcome.isError ? null : (outcome.structuredContent as T));

  const checkout = async (server: Server, productId: string, customer: Record<string, string>): Promise<Completed | null> => {
    const session = content<{ session_id: string }>(
      await attempt(server, 'create_checkout_session', { product_cart: [{ product_id: productId, quantity: 1 }], customer }),
    );
    if (session === null) return null;
    return content<Completed>(await attempt(server, 'complete_checkout_session', { session_id: session.session_id, card: CARD_OK }));
  };
  const newBuyer = (server: Server) => {
    const email = `${server.name.toLowerCase()}-${randomUUID().slice(0, 12)}@example.com`;
    return { email, name: email.split('@')[0] ?? 'buyer' };
  };

  const subscribe = async (server: Server) => {
    const usagePlanned = random() < 0.35;
    const done = await checkout(server, usagePlanned ? catalog.usage : catalog.basic, newBuyer(server));
    if (done === null || done.subscription_id === null) return;
    const customer_id = done.payment.customer.customer_id;
    customers.push(customer_id);
    if (usagePlanned) {
      usageCustomers.push(customer_id);
      acknowledged.set(customer_id, new Set());
    } else {
      subscriptions.push({ subscription_id: done.subscription_id, customer_id, plan: 'basic' });
    }
  };
  const buyApp = async (server: Server) => {
    const existing = random() < 0.5 ? pick(customers) : undefined;
    const done = await checkout(server, catalog.app, existing === undefined ? newBuyer(server) : { customer_id: existing });
    if (done === null) return;
    customers.push(done.payment.customer.customer_id);
    appPayments.push(done.payment.payment_id);
  };
  const changePlan = async (server: Server) => {
    const subscription = pick(subscriptions);
    if (subscription === undefined) return subscribe(server);
    const to: Plan = subscription.plan === 'basic' ? 'pro' : 'basic';
    const outcome = await attempt(server, 'change_subscription_plan', {
      subscription_id: subscription.subscription_id,
      product_id: productOf[to],
      quantity: 1,
      proration_billing_mode: 'prorated_immediately',
    });
    if (content(outcome) !== null) subscription.plan = to;
  };
  const refund = async (server: Server) => {
    // Mostly recent payments, still inside the refund window; now and then any.
    const payment_id = random() < 0.7 ? pick(appPayments.slice(-10)) : pick(appPayments);
    if (payment_id === undefined) return buyApp(server);
    await attempt(server, 'create_refund', { payment_id, reason: 'soak' });
  };
  const wallet = async (server: Server, entry_type: 'credit' | 'debit') => {
    const customer_id = pick(customers);
    if (customer_id === undefined) return subscribe(server);
    const amount = 100 + Math.floor(random() * (entry_type === 'credit' ? 1900 : 1400));
    await attempt(server, 'create_wallet_ledger_entry', { customer_id, amount, currency: 'USD', entry_type });
  };
  const ingest = async (server: Server) => {
    const customer_id = pick(usageCustomers);
    if (customer_id === undefined) return subscribe(server);
    const events = Array.from({ length: BATCH_SIZE }, () => ({ event_id: `evt_${randomUUID()}`, customer_id, event_name: 'api.call' }));
    const outcome = await attempt(server, 'ingest_usage_events', { events });
    // Whether the killed server stored a lost batch is unknown: it is re-sent once the load is over.
    if (outcome === 'lost') unacknowledged.push(events);
    const counts = content<IngestCounts>(outcome);
    if (counts === null) return;
    if (counts.ingested_count !== BATCH_SIZE || counts.duplicate_count !== 0)
      anomalies.push(`${server.name} fresh batch answered ${JSON.stringify(counts)}`);
    const ids = acknowledged.get(customer_id);
    for (const event of events) ids?.add(event.event_id);
  };
  const advance = async (server: Server) => {
    const result = content<Advanced>(await attempt(server, 'advance_test_clock', { by: { days: 3 } }));
    if (result === null) return;
    tallies.advances += 1;
    if (!result.completed) anomalies.push(`${server.name} advance stopped short: ${result.stopped_by ?? '?'}`);
    for (const item of result.processed)
      if (item.error !== undefined) anomalies.push(`${server.name} due item ${item.kind} of ${item.subscription_id}: ${item.error}`);
  };

  const operations: [number, (server: Server) => Promise<void>][] = [
    [2, subscribe],
    [2, buyApp],
    [3, changePlan],
    [2, refund],
    [2, (server) => wallet(server, 'credit')],
    [2, (server) => wallet(server, 'debit')],
    [4, ingest],
  ];
  const totalWeight = operations.reduce((sum, [weight]) => sum + weight, 0);
  const operation = (): ((server: Server) => Promise<void>) => {
    if (random() < ADVANCE_SHARE) return advance;
    let roll = random() * totalWeight;
    for (const [weight, run] of operations) {
      roll -= weight;
      if (roll < 0) return run;
    }
    return ingest;
  };

  return {
    seed,
    random,
    tallies,
    learnt,
    stop: () => {
      stopped = true;
    },
    async run(lanes, midway) {
      const loadStarted = Date.now();
      const loadEnds = loadStarted + LOAD_MS;
      const loop = async (lane: Lane) => {
        while (!stopped && Date.now() < loadEnds) {
          const server = await lane();
          await operation()(server);
        }
      };
      const crash = async () => {
        await sleep(KILL_AT_MS);
        await midway();
      };
      await Promise.all([crash(), ...lanes.flatMap((lane) => Array.from({ length: LOOPS_PER_LANE }, () => loop(lane)))]);
      return Date.now() - loadStarted;
    },
    async killWhileIngesting(server, kill) {
      doomed.add(server);
      const inFlight = Promise.all([ingest(server), ingest(server), ingest(server)]);
      await sleep(Math.floor(random() * 15));
      await kill();
      await inFlight;
    },
    async resend(server, step) {
      let duplicates = 0;
      for (const events of unacknowledged) {
        const counts = await step('re-send', () => server.ok<IngestCounts>('ingest_usage_events', { events }));
        expect(counts.ingested_count + counts.duplicate_count).toBe(BATCH_SIZE);
        duplicates += counts.duplicate_count;
        const customer_id = events[0]?.customer_id as string;
        for (const event of events) acknowledged.get(customer_id)?.add(event.event_id);
      }
      return duplicates;
    },
  };
}

/** One advance that closes every period holding usage; every due item must go through. */
export async function closeEveryPeriod(server: Server, step: Step): Promise<void> {
  const last = await step('final advance', () => server.ok<Advanced>('advance_test_clock', { by: { months: 1, days: 2 } }));
  expect(last.completed).toBe(true);
  expect(last.processed.filter((item) => item.error !== undefined)).toEqual([]);
}

/** What the database says once the servers stopped, as the summary line reports it. */
export interface SoakTotals {
  /** When the test started (Date.now()), before its servers. */
  started: number;
  loadMs: number;
  renewals: number;
  /** Payments of a subscription beyond its first (renewals and prorated plan-change charges). */
  renewalPayments: number;
  resentDuplicates: number;
  offsets: readonly number[];
}

const acknowledgedCountOf = (learnt: Learnt) => [...learnt.acknowledged.values()].reduce((sum, ids) => sum + ids.size, 0);

/** The run's summary line (`extra` ends it), the first answer of each refusal, and what the servers reported. */
export function logSummary(label: string, load: SoakLoad, totals: SoakTotals, reported: readonly string[], extra = ''): void {
  const { calls, succeeded, lost, thrown, codes, advances, samples } = load.tallies;
  const { subscriptions, usageCustomers, appPayments, unacknowledged } = load.learnt;
  const refusals = Object.fromEntries([...codes.entries()].sort(([x], [y]) => x.localeCompare(y)));
  console.log(
    `${label} seed=${load.seed} load=${totals.loadMs}ms total=${Date.now() - totals.started}ms calls=${calls} ok=${succeeded} lost=${lost} ` +
      `thrown=${thrown.length} refusals=${JSON.stringify(refusals)} advances=${advances} renewals=${totals.renewals} ` +
      `subscription-payments-beyond-first=${totals.renewalPayments} subscriptions=${subscriptions.length} usage-customers=${usageCustomers.length} ` +
      `app-payments=${appPayments.length} events=${acknowledgedCountOf(load.learnt)} resent-batches=${unacknowledged.length} ` +
      `resent-duplicates=${totals.resentDuplicates} offsets=${totals.offsets.join(',')}${extra === '' ? '' : ` ${extra}`}`,
  );
  for (const [key, sample] of samples) console.log(`first ${key}: ${sample}`);
  for (const line of reported) console.log(line);
}

/** Every answer was a result or a business refusal, and the servers reported nothing. */
export function expectOnlyBusinessRefusals(tallies: Tallies, reported: readonly string[]): void {
  const { thrown, anomalies, codes, samples } = tallies;
  expect(thrown).toEqual([]);
  expect(reported).toEqual([]);
  expect(anomalies).toEqual([]);
  const unexpected = [...codes.keys()].filter((key) => {
    const [tool = '', code = ''] = key.split(':');
    return !(ALLOWED[tool] ?? []).includes(code);
  });
  expect(unexpected.map((key) => `${key} ×${codes.get(key) ?? 0}: ${samples.get(key) ?? ''}`)).toEqual([]);
  expect([...codes.keys()].filter((key) => key.endsWith(':INTERNAL_SERVER_ERROR') || key.endsWith(':DATABASE_BUSY'))).toEqual([]);
}

/** The invariants both databases are read for (shared-servers.ts's readInvariants, postgres-invariants.ts's). */
export interface SharedInvariants {
  walletsOffLedger: readonly unknown[];
  refundsAbovePayment: readonly unknown[];
  renewalGaps: readonly unknown[];
  renewalPaymentsShared: readonly unknown[];
  clock: { advance_owner: string | null } | undefined;
}

/** The money and the periods add up: wallets equal their ledgers, no refund above its payment, every period renewed once, no lease left. */
export function expectMoneyAndPeriodsAddUp(invariants: SharedInvariants): void {
  expect(invariants.walletsOffLedger).toEqual([]);
  expect(invariants.refundsAbovePayment).toEqual([]);
  expect(invariants.renewalGaps).toEqual([]);
  expect(invariants.renewalPaymentsShared).toEqual([]);
  expect(invariants.clock?.advance_owner).toBeNull();
}

/**
 * Every acknowledged usage event stored once and billed once; nobody else billed for usage. `stored` counts
 * each event id's rows, `billed` the units billed per customer.
 */
export function expectUsageStoredAndBilledOnce(learnt: Learnt, stored: ReadonlyMap<string, number>, billed: ReadonlyMap<string, number>): void {
  const { acknowledged } = learnt;
  const notStoredOnce = [...acknowledged.values()].flatMap((ids) => [...ids]).filter((id) => stored.get(id) !== 1);
  expect(notStoredOnce).toEqual([]);
  expect(stored.size).toBe(acknowledgedCountOf(learnt));
  const billedWrong = [...acknowledged.entries()]
    .filter(([customer_id, ids]) => (billed.get(customer_id) ?? 0) !== ids.size)
    .map(([customer_id, ids]) => ({ customer_id, acknowledged: ids.size, billed: billed.get(customer_id) ?? 0 }));
  expect(billedWrong).toEqual([]);
  expect([...billed.entries()].filter(([customer_id, units]) => units > 0 && !acknowledged.has(customer_id))).toEqual([]);
}

/** The run did real work: more than `minSucceeded` calls went through, periods renewed, usage acknowledged, the clock moved. */
export function expectRealWork(load: SoakLoad, renewals: number, minSucceeded: number): void {
  expect(load.tallies.succeeded).toBeGreaterThan(minSucceeded);
  expect(renewals).toBeGreaterThan(0);
  expect(acknowledgedCountOf(load.learnt)).toBeGreaterThan(0);
  expect(load.tallies.advances).toBeGreaterThanOrEqual(3);
}
