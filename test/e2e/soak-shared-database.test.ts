// Rule under test (issue 12 "Several assistants, one database", SPEC D17): any number of server processes on
// one database are one engine, under sustained mixed load and through a crash. The soak runs three real
// servers (the built CLI: two over stdio, one over HTTP, each with the SDK's own client) on one SQLite file
// and, for about 45 s, three loops per server fire random operations at once: subscription checkouts (Basic,
// or the usage plan), one-time purchases, prorated plan changes, full refunds, wallet credits and debits,
// usage batches stamped by the engine, and now and then a 3-day test-clock advance from any server. About
// 20 s in, one stdio server is killed (SIGKILL) and a new one takes its place on the same file; what was
// in flight there is lost, not counted, and its usage batches are re-sent elsewhere. Every answer is
// classified: business refusals are allowed, INTERNAL_SERVER_ERROR and DATABASE_BUSY never. Afterwards one
// advance closes every period holding usage, all servers show the same clock, and the file must add up:
// integrity ok, wallets equal to their ledgers, no refund above its payment, every period renewed exactly
// once (none skipped, no payment shared), no advance lease left behind, and every acknowledged usage event
// stored once and billed once.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CARD_OK } from '../support/checkout-fixtures.js';
import { CLI, tempDir } from '../support/cli-process.js';
import { textOf } from '../support/mcp-client.js';
import {
  APP,
  BASIC,
  billedUnitsByCustomer,
  errorCodeOf,
  httpServer,
  PRO,
  readInvariants,
  type Server,
  stdioServer,
  usagePlan,
} from '../support/shared-servers.js';

const LOAD_MS = 45_000;
const KILL_AT_MS = 20_000;
const LOOPS_PER_SERVER = 3;
const BATCH_SIZE = 5;
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

interface PlanSubscription {
  subscription_id: string;
  customer_id: string;
  plan: Plan;
}

interface UsageEventInput {
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

/** Something a server reported: stderr output, a transport error, its process's exit. */
interface Diagnostic {
  name: string;
  text: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let dir: Awaited<ReturnType<typeof tempDir>>;
const live: Server[] = [];

beforeAll(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  for (const server of live.splice(0)) await server.close().catch(() => undefined);
});
afterAll(async () => {
  await dir?.remove();
});

/** Any transport error a server's client sees, and the end of its connection (its process exited, or was killed). */
function captureDiagnostics(server: Server, into: Diagnostic[]): void {
  const { name } = server;
  server.client.onerror = (error) => into.push({ name, text: `${name} transport error: ${error.message}` });
  server.client.onclose = () => into.push({ name, text: `${name} exited: its connection closed` });
}

describe('soak: three servers, one database, one killed midway (built CLI)', () => {
  test('45 s of mixed load: only business refusals, one clock, and the file adds up', async () => {
    const started = Date.now();
    const seed = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
    const random = generator(seed);
    const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
    const db = join(dir.path, 'soak.db');
    const diagnostics: Diagnostic[] = [];
    // A stdio server's stderr: the start-up lines name the database and the page server's address; anything
    // else (a stack trace) is news.
    const startStdio = async (name: string) => {
      const server = await stdioServer(name, db, (chunk) => {
        const text = chunk.replace(/^billing-mcp: database \S+\n/m, '').replace(/^billing-mcp: checkout and portal pages at \S+\n/m, '');
        if (text.trim() !== '') diagnostics.push({ name, text: `${name} stderr: ${text}` });
      });
      live.push(server);
      captureDiagnostics(server, diagnostics);
      return server;
    };

    const a = await startStdio('A');
    const b = await startStdio('B');
    const h = await httpServer('H', db);
    live.push(h);
    captureDiagnostics(h, diagnostics);

    const basic = await a.ok<{ product_id: string }>('create_product', BASIC);
    const pro = await a.ok<{ product_id: string }>('create_product', PRO);
    const app = await a.ok<{ product_id: string }>('create_product', APP);
    const usage = await usagePlan(a);
    const productOf: Record<Plan, string> = { basic: basic.product_id, pro: pro.product_id };

    // What the loops learnt from answers that arrived.
    const customers: string[] = [];
    const subscriptions: PlanSubscription[] = [];
    const usageCustomers: string[] = [];
    const acknowledged = new Map<string, Set<string>>();
    const unacknowledged: UsageEventInput[][] = [];
    const appPayments: string[] = [];

    // Tallies.
    let calls = 0;
    let succeeded = 0;
    let lost = 0;
    let advances = 0;
    const codes = new Map<string, number>();
    const samples = new Map<string, string>();
    const thrown: string[] = [];
    const anomalies: string[] = [];
    const killed = new Set<Server>();
    /** Set when the load cannot go on (a call failed on a live server, the restart failed): loops stop. */
    let stopped = false;

    /** One call, classified; null when it was lost with its killed server. */
    const attempt = async (server: Server, tool: string, args: Record<string, unknown>): Promise<CallToolResult | null> => {
      calls += 1;
      let result: CallToolResult;
      try {
        result = await server.call(tool, args);
      } catch (error) {
        if (killed.has(server)) {
          lost += 1;
          return null;
        }
        thrown.push(`${server.name} ${tool}: ${error instanceof Error ? error.message : String(error)}`);
        stopped = true;
        return null;
      }
      const code = refusalOf(tool, result);
      if (code === null) {
        succeeded += 1;
        return result;
      }
      const key = `${tool}:${code}`;
      codes.set(key, (codes.get(key) ?? 0) + 1);
      if (!samples.has(key)) samples.set(key, `${server.name}: ${textOf(result)}`);
      return result;
    };
    const content = <T>(result: CallToolResult | null): T | null => (result === null || result.isError ? null : (result.structuredContent as T));

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
      const done = await checkout(server, usagePlanned ? usage.product_id : basic.product_id, newBuyer(server));
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
      const done = await checkout(server, app.product_id, existing === undefined ? newBuyer(server) : { customer_id: existing });
      if (done === null) return;
      customers.push(done.payment.customer.customer_id);
      appPayments.push(done.payment.payment_id);
    };
    const changePlan = async (server: Server) => {
      const subscription = pick(subscriptions);
      if (subscription === undefined) return subscribe(server);
      const to: Plan = subscription.plan === 'basic' ? 'pro' : 'basic';
      const result = await attempt(server, 'change_subscription_plan', {
        subscription_id: subscription.subscription_id,
        product_id: productOf[to],
        quantity: 1,
        proration_billing_mode: 'prorated_immediately',
      });
      if (result !== null && !result.isError) subscription.plan = to;
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
      const result = await attempt(server, 'ingest_usage_events', { events });
      if (result === null) {
        if (killed.has(server)) unacknowledged.push(events);
        return;
      }
      const counts = content<{ ingested_count: number; duplicate_count: number }>(result);
      if (counts === null) return;
      if (counts.ingested_count !== BATCH_SIZE || counts.duplicate_count !== 0)
        anomalies.push(`${server.name} fresh batch answered ${JSON.stringify(counts)}`);
      const ids = acknowledged.get(customer_id);
      for (const event of events) ids?.add(event.event_id);
    };
    const advance = async (server: Server) => {
      const result = content<Advanced>(await attempt(server, 'advance_test_clock', { by: { days: 3 } }));
      if (result === null) return;
      advances += 1;
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

    // Three slots, one per server; slot 1's server is replaced midway.
    const slots: Promise<Server>[] = [Promise.resolve(a), Promise.resolve(b), Promise.resolve(h)];
    const loadStarted = Date.now();
    const loadEnds = loadStarted + LOAD_MS;
    const loop = async (slot: number) => {
      while (!stopped && Date.now() < loadEnds) {
        const server = await (slots[slot] as Promise<Server>);
        await operation()(server);
      }
    };
    let replacement: Server | undefined;
    const crash = async () => {
      await sleep(KILL_AT_MS);
      let arrived: (server: Server) => void = () => undefined;
      let failed: (error: unknown) => void = () => undefined;
      slots[1] = new Promise<Server>((resolve, reject) => {
        arrived = resolve;
        failed = reject;
      });
      // Loops that stopped early never await it: its failure is reported by crash() itself.
      slots[1].catch(() => undefined);
      killed.add(b);
      // Three more batches sent to B as it dies: whether B stored them is unknown, so they are re-sent.
      const inFlight = Promise.all([ingest(b), ingest(b), ingest(b)]);
      await sleep(Math.floor(random() * 15));
      await b.kill();
      await inFlight;
      try {
        replacement = await startStdio('C');
        arrived(replacement);
      } catch (error) {
        // (A build running meanwhile in the same checkout removes dist/ for a while.)
        stopped = true;
        const reason = new Error(
          `restarting the killed server failed: ${error instanceof Error ? error.message : String(error)} (dist/cli.js ${existsSync(CLI) ? 'present' : 'missing'})`,
        );
        failed(reason);
        throw reason;
      }
    };
    /** A step that must not throw; if it does, the error carries what the servers reported. */
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (error) {
        throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}\n${diagnostics.map((d) => d.text).join('\n')}`, {
          cause: error,
        });
      }
    };
    await step('load', () => Promise.all([crash(), ...[0, 1, 2].flatMap((slot) => Array.from({ length: LOOPS_PER_SERVER }, () => loop(slot)))]));
    const loadMs = Date.now() - loadStarted;
    const c = replacement as Server;
    const servers = [a, c, h];

    // The batches lost with B, re-sent through A: only what B had not stored counts as new.
    let resentDuplicates = 0;
    for (const events of unacknowledged) {
      const counts = await step('re-send', () => a.ok<{ ingested_count: number; duplicate_count: number }>('ingest_usage_events', { events }));
      expect(counts.ingested_count + counts.duplicate_count).toBe(BATCH_SIZE);
      resentDuplicates += counts.duplicate_count;
      const customer_id = events[0]?.customer_id as string;
      for (const event of events) acknowledged.get(customer_id)?.add(event.event_id);
    }

    // Close every period that holds usage, then every live server must show the same clock.
    const last = await step('final advance', () => c.ok<Advanced>('advance_test_clock', { by: { months: 1, days: 2 } }));
    expect(last.completed).toBe(true);
    expect(last.processed.filter((item) => item.error !== undefined)).toEqual([]);
    const offsets: number[] = [];
    for (const server of servers)
      offsets.push((await step(`get_test_clock on ${server.name}`, () => server.ok<{ offset_ms: number }>('get_test_clock'))).offset_ms);
    // What the servers reported while they ran (closing the HTTP client aborts its stream: not news), but
    // for the transport of the one killed on purpose.
    const reported = diagnostics.filter((d) => d.name !== b.name || !/transport error|exited/.test(d.text)).map((d) => d.text);
    for (const server of servers) await server.close();
    live.splice(0);

    const invariants = readInvariants(db);
    const billed = billedUnitsByCustomer(db);
    const file = new Database(db, { readonly: true });
    let stored: Map<string, number>;
    let renewals: number;
    let renewalPayments: number;
    try {
      const rows = file
        .prepare(
          `SELECT event_id, count(*) AS n FROM (SELECT event_id FROM usage_events UNION ALL SELECT event_id FROM usage_events_staged) GROUP BY event_id`,
        )
        .all() as { event_id: string; n: number }[];
      stored = new Map(rows.map((row) => [row.event_id, Number(row.n)]));
      renewals = Number((file.prepare(`SELECT count(*) AS n FROM subscription_period_runs WHERE kind = 'renewal'`).get() as { n: number }).n);
      // Payments of a subscription beyond its first (renewals and prorated plan-change charges).
      renewalPayments = Number(
        (
          file.prepare(`SELECT count(*) - count(DISTINCT subscription_id) AS n FROM payments WHERE subscription_id IS NOT NULL`).get() as {
            n: number;
          }
        ).n,
      );
    } finally {
      file.close();
    }

    const acknowledgedCount = [...acknowledged.values()].reduce((sum, ids) => sum + ids.size, 0);
    const refusals = Object.fromEntries([...codes.entries()].sort(([x], [y]) => x.localeCompare(y)));
    console.log(
      `soak seed=${seed} load=${loadMs}ms total=${Date.now() - started}ms calls=${calls} ok=${succeeded} lost=${lost} thrown=${thrown.length} ` +
        `refusals=${JSON.stringify(refusals)} advances=${advances} renewals=${renewals} subscription-payments-beyond-first=${renewalPayments} ` +
        `subscriptions=${subscriptions.length} usage-customers=${usageCustomers.length} app-payments=${appPayments.length} ` +
        `events=${acknowledgedCount} resent-batches=${unacknowledged.length} resent-duplicates=${resentDuplicates} offsets=${offsets.join(',')}`,
    );
    for (const [key, sample] of samples) console.log(`first ${key}: ${sample}`);
    for (const line of reported) console.log(line);

    // Every answer was a result or a business refusal.
    expect(thrown).toEqual([]);
    expect(reported).toEqual([]);
    expect(anomalies).toEqual([]);
    const unexpected = [...codes.keys()].filter((key) => {
      const [tool = '', code = ''] = key.split(':');
      return !(ALLOWED[tool] ?? []).includes(code);
    });
    expect(unexpected.map((key) => `${key} ×${codes.get(key)}: ${samples.get(key)}`)).toEqual([]);
    expect([...codes.keys()].filter((key) => key.endsWith(':INTERNAL_SERVER_ERROR') || key.endsWith(':DATABASE_BUSY'))).toEqual([]);

    // One clock.
    expect(new Set(offsets).size).toBe(1);

    // The money and the periods add up in the file.
    expect(invariants.integrity).toBe('ok');
    expect(invariants.walletsOffLedger).toEqual([]);
    expect(invariants.refundsAbovePayment).toEqual([]);
    expect(invariants.renewalGaps).toEqual([]);
    expect(invariants.renewalPaymentsShared).toEqual([]);
    expect(invariants.clock?.advance_owner).toBeNull();

    // Every acknowledged usage event stored once and billed once; nobody else billed for usage.
    const notStoredOnce = [...acknowledged.values()].flatMap((ids) => [...ids]).filter((id) => stored.get(id) !== 1);
    expect(notStoredOnce).toEqual([]);
    expect(stored.size).toBe(acknowledgedCount);
    const billedWrong = [...acknowledged.entries()]
      .filter(([customer_id, ids]) => (billed.get(customer_id) ?? 0) !== ids.size)
      .map(([customer_id, ids]) => ({ customer_id, acknowledged: ids.size, billed: billed.get(customer_id) ?? 0 }));
    expect(billedWrong).toEqual([]);
    expect([...billed.entries()].filter(([customer_id, units]) => units > 0 && !acknowledged.has(customer_id))).toEqual([]);

    // The run did real work.
    expect(succeeded).toBeGreaterThan(300);
    expect(renewals).toBeGreaterThan(0);
    expect(acknowledgedCount).toBeGreaterThan(0);
    expect(advances).toBeGreaterThanOrEqual(3);
  }, 180_000);
});
