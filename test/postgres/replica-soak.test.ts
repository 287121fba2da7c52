// Rule under test (issue 17, the PostgreSQL twin of test/e2e/soak-shared-database.test.ts): stateless HTTP
// replicas on one PostgreSQL schema are one engine, whichever replica answers which request, under sustained
// mixed load and through a crash. The soak runs three real servers (the built CLI, `--transport http
// --stateless`) on one fresh schema behind a round-robin load balancer written here, so a client's
// initialize and each of its tool calls may land on different replicas. For about 45 s, three clients with
// three loops each fire random operations at once: subscription checkouts (Basic, or the usage plan),
// one-time purchases, prorated plan changes, full refunds, wallet credits and debits, usage batches stamped by
// the engine, and now and then a 3-day test-clock advance. About 20 s in, one replica is killed (SIGKILL)
// while three usage batches are sent to it directly; a new replica joins the balancer, and the dead one stays
// in its rotation, skipped when it refuses the connection, as a health check would. What was in flight on
// the dead replica is lost (the balancer answers 502), not counted as a failure, and its usage batches are
// re-sent. Every answer is classified: business refusals are allowed, INTERNAL_SERVER_ERROR and
// DATABASE_BUSY never. Afterwards one advance closes every period holding usage, every live replica asked
// directly shows the same clock, and the schema must add up: wallets equal to their ledgers, no refund above
// its payment, every period renewed exactly once (none skipped, no payment shared), no advance lease left
// behind, and every acknowledged usage event stored once (on PostgreSQL in usage_events alone) and billed once.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CARD_OK } from '../support/checkout-fixtures.js';
import { cliEnv, type HttpCli, startHttpCli } from '../support/cli-process.js';
import { streamableClient } from '../support/e2e-clients.js';
import { textOf } from '../support/mcp-client.js';
import { billedUnitsByCustomerPostgres, readPostgresInvariants, withSchema } from '../support/postgres-invariants.js';
import { APP, BASIC, errorCodeOf, PRO, type Server, usagePlan } from '../support/shared-servers.js';
import { TEST_POSTGRES_URL } from '../support/test-database.js';

const LOAD_MS = 45_000;
const KILL_AT_MS = 20_000;
const CLIENTS = 3;
const LOOPS_PER_CLIENT = 3;
const BATCH_SIZE = 5;
/** Roughly one operation in twelve moves the shared clock three days. */
const ADVANCE_SHARE = 1 / 12;
/** The balancer's 502 answer starts with this: the replica went away while it held the request. */
const DROPPED = 'replica went away mid-flight';

/**
 * The refusals a call may meet in this mix, by tool, and why (as in the SQLite soak):
 * - a checkout session created just before another replica advanced the clock past its expiry
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

interface IngestCounts {
  ingested_count: number;
  duplicate_count: number;
}

/** A call's answer, or what became of it: lost with the killed replica, or failed (a failure of the run). */
type Outcome = CallToolResult | 'lost' | 'failed';

/** One server process of the soak. */
interface Replica {
  name: string;
  cli: HttpCli;
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// ---------------------------------------------------------------------------------------------------------
// The load balancer.

/** What a replica answered, whole; or that it refused the connection; or that it went away mid-request. */
type Forwarded =
  { kind: 'answered'; status: number; headers: IncomingHttpHeaders; body: Buffer } | { kind: 'refused' } | { kind: 'dropped'; error: string };

interface BalancerStats {
  /** Requests each replica answered, by its URL. */
  answered: Map<string, number>;
  /** Connections a replica refused (it is dead): the balancer tried the next one. */
  refused: number;
  /** Requests whose replica went away while it held them, answered 502. */
  dropped: { replica: string; error: string }[];
  /** The balancer's own failures (a client that hung up while it sent its body …). */
  failures: string[];
}

interface Balancer {
  url: string;
  /** A replica joins the end of the rotation. */
  add(replica: string): void;
  stats: BalancerStats;
  close(): Promise<void>;
}

/** Headers that describe one connection, not the message: never forwarded. The length is set anew. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length']);

function endToEndHeaders(headers: IncomingHttpHeaders, length: number): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  kept['content-length'] = length;
  return kept;
}

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });
}

/**
 * Sends one request to one replica on a connection of its own (no keep-alive: a pooled connection to a
 * replica could be closed by it just as it is reused, a 502 no replica caused). ECONNREFUSED means nobody
 * listens there (the replica is dead); any other error, or an answer cut short, means it went away mid-flight.
 */
function forward(replica: string, incoming: IncomingMessage, body: Buffer): Promise<Forwarded> {
  const target = new URL(replica);
  return new Promise((resolve) => {
    const upstream = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: endToEndHeaders(incoming.headers, body.length),
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ kind: 'answered', status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on('error', (error) => resolve({ kind: 'dropped', error: error.message }));
        response.on('close', () => {
          if (!response.complete) resolve({ kind: 'dropped', error: 'the connection closed before the answer ended' });
        });
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'dropped', error: `${error.code ?? 'error'}: ${error.message}` }),
    );
    upstream.end(body);
  });
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * A round-robin HTTP load balancer: each request goes to the next replica in turn, method, path, headers and
 * body as they came. A replica that refuses the connection is skipped and the next one tried; a request
 * whose replica dies while holding it is answered 502. Bodies are buffered, not streamed, both ways: the
 * body of a refused request is sent again to the next replica, and a replica's death ends in a clean 502,
 * never a half-sent answer (stateless replicas answer JSON, never an open stream).
 */
async function roundRobinBalancer(initial: readonly string[]): Promise<Balancer> {
  const replicas = [...initial];
  const stats: BalancerStats = { answered: new Map(), refused: 0, dropped: [], failures: [] };
  let cursor = 0;
  const relay = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const first = cursor;
    cursor += 1;
    for (let tried = 0; tried < replicas.length; tried += 1) {
      const replica = replicas[(first + tried) % replicas.length] as string;
      const outcome = await forward(replica, req, body);
      if (outcome.kind === 'refused') {
        stats.refused += 1;
        continue;
      }
      if (outcome.kind === 'dropped') {
        stats.dropped.push({ replica, error: outcome.error });
        reply(res, 502, `${DROPPED}: ${replica} (${outcome.error})`);
        return;
      }
      stats.answered.set(replica, (stats.answered.get(replica) ?? 0) + 1);
      res.writeHead(outcome.status, endToEndHeaders(outcome.headers, outcome.body.length));
      res.end(outcome.body);
      return;
    }
    reply(res, 503, 'no replica accepted the connection');
  };
  const server = createServer((req, res) => {
    relay(req, res).catch((error: unknown) => {
      stats.failures.push(`${req.method ?? '?'} ${req.url ?? '?'}: ${messageOf(error)}`);
      res.destroy();
    });
  });
  // Longer than the client's own keep-alive, so the balancer never closes a connection the client reuses.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    add: (replica) => replicas.push(replica),
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Clients and replicas.

/** The SDK's client over Streamable HTTP to a base URL (the balancer's or one replica's), as a Server. */
async function clientOn(name: string, baseUrl: string): Promise<Server> {
  const client = await streamableClient(baseUrl);
  const call = async (tool: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
  return {
    name,
    client,
    call,
    async ok<T>(tool: string, args: Record<string, unknown> = {}) {
      const result = await call(tool, args);
      if (result.isError) throw new Error(`${name}: ${tool} failed: ${textOf(result)}`);
      return result.structuredContent as T;
    },
    kill: () => Promise.reject(new Error(`${name} is a client: the replicas are what gets killed`)),
    close: () => client.close(),
  };
}

/** A replica's stderr past its two start-up lines (database, listening on …): anything there is news. */
function newsOf(replica: Replica): string[] {
  return replica.cli
    .stderr()
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^billing-mcp: (database|listening on) /.test(line))
    .map((line) => `${replica.name} stderr: ${line}`);
}

const url = TEST_POSTGRES_URL as string;
const schema = `replica_soak_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
let admin: pg.Client | undefined;
let balancer: Balancer | undefined;
const running: Replica[] = [];
/** Every replica's name by its URL, the killed one's too, for the summary and diagnostics. */
const names = new Map<string, string>();
const clients: Server[] = [];

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
});
afterAll(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  for (const replica of running.splice(0)) await replica.cli.stop();
  await balancer?.close();
  await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.end();
});

/** `billing-mcp --transport http --stateless` on the soak's schema. */
async function startReplica(name: string): Promise<Replica> {
  const db = new URL(url);
  db.searchParams.set('schema', schema);
  const replica = { name, cli: await startHttpCli(['--db', db.toString(), '--toolsets', 'all', '--stateless'], cliEnv()) };
  running.push(replica);
  names.set(replica.cli.url, name);
  return replica;
}

async function connected(name: string, baseUrl: string): Promise<Server> {
  const client = await clientOn(name, baseUrl);
  clients.push(client);
  return client;
}

describe('replica soak: stateless HTTP replicas on one PostgreSQL schema behind a round-robin balancer, one killed midway (built CLI)', () => {
  test('45 s of mixed load: only business refusals, one clock, and the schema adds up', async () => {
    const started = Date.now();
    const seed = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
    const random = generator(seed);
    const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];

    // The three start at once on the empty schema (tried, and it holds: no need to start one first): the
    // engine's migrations take Kysely's migration lock (a PostgreSQL advisory lock), so one migrates and the
    // others then find every migration applied.
    const [r1, r2, r3] = (await Promise.all(['R1', 'R2', 'R3'].map(startReplica))) as [Replica, Replica, Replica];
    const lb = await roundRobinBalancer([r1.cli.url, r2.cli.url, r3.cli.url]);
    balancer = lb;
    const nameOf = (replicaUrl: string) => names.get(replicaUrl) ?? replicaUrl;

    const loadClients: Server[] = [];
    for (let i = 1; i <= CLIENTS; i += 1) loadClients.push(await connected(`C${i}`, lb.url));
    const first = loadClients[0] as Server;

    const basic = await first.ok<{ product_id: string }>('create_product', BASIC);
    const pro = await first.ok<{ product_id: string }>('create_product', PRO);
    const app = await first.ok<{ product_id: string }>('create_product', APP);
    const usage = await usagePlan(first);
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
    /** Clients straight to the replica that is killed: whatever they had in flight is lost with it. */
    const doomed = new Set<Server>();
    /** Set when the load cannot go on (a call failed, the replacement did not start): loops stop. */
    let stopped = false;

    /** A call is lost when its replica was killed: a direct client's call to it, or the balancer's 502. */
    const isLost = (client: Server, error: unknown) => doomed.has(client) || (error instanceof StreamableHTTPError && error.code === 502);

    /** One call, classified. */
    const attempt = async (client: Server, tool: string, args: Record<string, unknown>): Promise<Outcome> => {
      calls += 1;
      let result: CallToolResult;
      try {
        result = await client.call(tool, args);
      } catch (error) {
        if (isLost(client, error)) {
          lost += 1;
          return 'lost';
        }
        thrown.push(`${client.name} ${tool}: ${messageOf(error)}`);
        stopped = true;
        return 'failed';
      }
      const code = refusalOf(tool, result);
      if (code === null) {
        succeeded += 1;
        return result;
      }
      const key = `${tool}:${code}`;
      codes.set(key, (codes.get(key) ?? 0) + 1);
      if (!samples.has(key)) samples.set(key, `${client.name} ${JSON.stringify(args)}: ${textOf(result)}`);
      return result;
    };
    const content = <T>(outcome: Outcome): T | null => (typeof outcome === 'string' || outcome.isError ? null : (outcome.structuredContent as T));

    const checkout = async (client: Server, productId: string, customer: Record<string, string>): Promise<Completed | null> => {
      const session = content<{ session_id: string }>(
        await attempt(client, 'create_checkout_session', { product_cart: [{ product_id: productId, quantity: 1 }], customer }),
      );
      if (session === null) return null;
      return content<Completed>(await attempt(client, 'complete_checkout_session', { session_id: session.session_id, card: CARD_OK }));
    };
    const newBuyer = (client: Server) => {
      const email = `${client.name.toLowerCase()}-${randomUUID().slice(0, 12)}@example.com`;
      return { email, name: email.split('@')[0] ?? 'buyer' };
    };

    const subscribe = async (client: Server) => {
      const usagePlanned = random() < 0.35;
      const done = await checkout(client, usagePlanned ? usage.product_id : basic.product_id, newBuyer(client));
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
    const buyApp = async (client: Server) => {
      const existing = random() < 0.5 ? pick(customers) : undefined;
      const done = await checkout(client, app.product_id, existing === undefined ? newBuyer(client) : { customer_id: existing });
      if (done === null) return;
      customers.push(done.payment.customer.customer_id);
      appPayments.push(done.payment.payment_id);
    };
    const changePlan = async (client: Server) => {
      const subscription = pick(subscriptions);
      if (subscription === undefined) return subscribe(client);
      const to: Plan = subscription.plan === 'basic' ? 'pro' : 'basic';
      const outcome = await attempt(client, 'change_subscription_plan', {
        subscription_id: subscription.subscription_id,
        product_id: productOf[to],
        quantity: 1,
        proration_billing_mode: 'prorated_immediately',
      });
      if (content(outcome) !== null) subscription.plan = to;
    };
    const refund = async (client: Server) => {
      // Mostly recent payments, still inside the refund window; now and then any.
      const payment_id = random() < 0.7 ? pick(appPayments.slice(-10)) : pick(appPayments);
      if (payment_id === undefined) return buyApp(client);
      await attempt(client, 'create_refund', { payment_id, reason: 'soak' });
    };
    const wallet = async (client: Server, entry_type: 'credit' | 'debit') => {
      const customer_id = pick(customers);
      if (customer_id === undefined) return subscribe(client);
      const amount = 100 + Math.floor(random() * (entry_type === 'credit' ? 1900 : 1400));
      await attempt(client, 'create_wallet_ledger_entry', { customer_id, amount, currency: 'USD', entry_type });
    };
    const ingest = async (client: Server) => {
      const customer_id = pick(usageCustomers);
      if (customer_id === undefined) return subscribe(client);
      const events = Array.from({ length: BATCH_SIZE }, () => ({ event_id: `evt_${randomUUID()}`, customer_id, event_name: 'api.call' }));
      const outcome = await attempt(client, 'ingest_usage_events', { events });
      // Whether the dead replica stored a lost batch is unknown: it is re-sent once the load is over.
      if (outcome === 'lost') unacknowledged.push(events);
      const counts = content<IngestCounts>(outcome);
      if (counts === null) return;
      if (counts.ingested_count !== BATCH_SIZE || counts.duplicate_count !== 0)
        anomalies.push(`${client.name} fresh batch answered ${JSON.stringify(counts)}`);
      const ids = acknowledged.get(customer_id);
      for (const event of events) ids?.add(event.event_id);
    };
    const advance = async (client: Server) => {
      const result = content<Advanced>(await attempt(client, 'advance_test_clock', { by: { days: 3 } }));
      if (result === null) return;
      advances += 1;
      if (!result.completed) anomalies.push(`${client.name} advance stopped short: ${result.stopped_by ?? '?'}`);
      for (const item of result.processed)
        if (item.error !== undefined) anomalies.push(`${client.name} due item ${item.kind} of ${item.subscription_id}: ${item.error}`);
    };

    const operations: [number, (client: Server) => Promise<void>][] = [
      [2, subscribe],
      [2, buyApp],
      [3, changePlan],
      [2, refund],
      [2, (client) => wallet(client, 'credit')],
      [2, (client) => wallet(client, 'debit')],
      [4, ingest],
    ];
    const totalWeight = operations.reduce((sum, [weight]) => sum + weight, 0);
    const operation = (): ((client: Server) => Promise<void>) => {
      if (random() < ADVANCE_SHARE) return advance;
      let roll = random() * totalWeight;
      for (const [weight, run] of operations) {
        roll -= weight;
        if (roll < 0) return run;
      }
      return ingest;
    };

    const loadStarted = Date.now();
    const loadEnds = loadStarted + LOAD_MS;
    const loop = async (client: Server) => {
      while (!stopped && Date.now() < loadEnds) await operation()(client);
    };
    // R2 is killed midway; R4 replaces it in the balancer's rotation, where R2 stays (and refuses).
    const victim = r2;
    let replacement: Replica | undefined;
    const crash = async () => {
      await sleep(KILL_AT_MS);
      const direct = await connected(`${victim.name}-direct`, victim.cli.url);
      doomed.add(direct);
      // Three batches sent straight to R2 as it dies: whether R2 stored them is unknown, so they are re-sent.
      const inFlight = Promise.all([ingest(direct), ingest(direct), ingest(direct)]);
      await sleep(Math.floor(random() * 15));
      await victim.cli.kill();
      running.splice(running.indexOf(victim), 1);
      await inFlight;
      try {
        replacement = await startReplica('R4');
      } catch (error) {
        stopped = true;
        throw new Error(`starting the replacement replica failed: ${messageOf(error)}`, { cause: error });
      }
      lb.add(replacement.cli.url);
    };
    /** What went wrong around the replicas: their stderr news, the balancer's own failures and 502s. */
    const diagnostics = () => [
      ...[r1, r2, r3, ...(replacement === undefined ? [] : [replacement])].flatMap(newsOf),
      ...lb.stats.failures.map((failure) => `balancer: ${failure}`),
      ...lb.stats.dropped.map((drop) => `balancer 502 from ${nameOf(drop.replica)}: ${drop.error}`),
    ];
    /** A step that must not throw; if it does, the error carries what the replicas and the balancer reported. */
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (error) {
        throw new Error(`${name}: ${messageOf(error)}\n${diagnostics().join('\n')}`, { cause: error });
      }
    };
    await step('load', () =>
      Promise.all([crash(), ...loadClients.flatMap((client) => Array.from({ length: LOOPS_PER_CLIENT }, () => loop(client)))]),
    );
    const loadMs = Date.now() - loadStarted;
    const live = [r1, r3, replacement as Replica];

    // The batches lost with R2, re-sent through the balancer: only what R2 had not stored counts as new.
    let resentDuplicates = 0;
    for (const events of unacknowledged) {
      const counts = await step('re-send', () => first.ok<IngestCounts>('ingest_usage_events', { events }));
      expect(counts.ingested_count + counts.duplicate_count).toBe(BATCH_SIZE);
      resentDuplicates += counts.duplicate_count;
      const customer_id = events[0]?.customer_id as string;
      for (const event of events) acknowledged.get(customer_id)?.add(event.event_id);
    }

    // Close every period that holds usage, then every live replica, asked directly, must show the same clock.
    const last = await step('final advance', () => first.ok<Advanced>('advance_test_clock', { by: { months: 1, days: 2 } }));
    expect(last.completed).toBe(true);
    expect(last.processed.filter((item) => item.error !== undefined)).toEqual([]);
    const offsets: number[] = [];
    for (const replica of live) {
      const direct = await connected(`${replica.name}-clock`, replica.cli.url);
      offsets.push((await step(`get_test_clock on ${replica.name}`, () => direct.ok<{ offset_ms: number }>('get_test_clock'))).offset_ms);
    }
    for (const client of clients.splice(0)) await client.close();
    const exitCodes: (number | null)[] = [];
    for (const replica of running.splice(0)) exitCodes.push(await replica.cli.stop());
    const reported = diagnostics().filter((line) => !line.startsWith(`balancer 502 from ${victim.name}:`));

    const target = { url, schema };
    const invariants = await readPostgresInvariants(target);
    const billed = await billedUnitsByCustomerPostgres(target);
    const { stored, staged, renewals, renewalPayments } = await withSchema(target, async (db) => {
      const events = await db.query<{ event_id: string; n: string }>('SELECT event_id, count(*) AS n FROM usage_events GROUP BY event_id');
      const count = async (query: string) => Number((await db.query<{ n: string }>(query)).rows[0]?.n ?? Number.NaN);
      return {
        stored: new Map(events.rows.map((row) => [row.event_id, Number(row.n)])),
        // SQLite's staging table; the PostgreSQL store never writes it.
        staged: await count('SELECT count(*) AS n FROM usage_events_staged'),
        renewals: await count(`SELECT count(*) AS n FROM subscription_period_runs WHERE kind = 'renewal'`),
        // Payments of a subscription beyond its first (renewals and prorated plan-change charges).
        renewalPayments: await count('SELECT count(*) - count(DISTINCT subscription_id) AS n FROM payments WHERE subscription_id IS NOT NULL'),
      };
    });

    const acknowledgedCount = [...acknowledged.values()].reduce((sum, ids) => sum + ids.size, 0);
    const refusals = Object.fromEntries([...codes.entries()].sort(([x], [y]) => x.localeCompare(y)));
    const answered = Object.fromEntries([...lb.stats.answered.entries()].map(([replica, n]) => [nameOf(replica), n]));
    console.log(
      `replica-soak seed=${seed} load=${loadMs}ms total=${Date.now() - started}ms calls=${calls} ok=${succeeded} lost=${lost} thrown=${thrown.length} ` +
        `refusals=${JSON.stringify(refusals)} advances=${advances} renewals=${renewals} subscription-payments-beyond-first=${renewalPayments} ` +
        `subscriptions=${subscriptions.length} usage-customers=${usageCustomers.length} app-payments=${appPayments.length} ` +
        `events=${acknowledgedCount} resent-batches=${unacknowledged.length} resent-duplicates=${resentDuplicates} offsets=${offsets.join(',')} ` +
        `balancer=${JSON.stringify({ answered, refused: lb.stats.refused, dropped: lb.stats.dropped.length })} exit-codes=${exitCodes.join(',')}`,
    );
    for (const [key, sample] of samples) console.log(`first ${key}: ${sample}`);
    for (const line of reported) console.log(line);

    // Every answer was a result or a business refusal; only the killed replica dropped requests.
    expect(thrown).toEqual([]);
    expect(reported).toEqual([]);
    expect(anomalies).toEqual([]);
    const unexpected = [...codes.keys()].filter((key) => {
      const [tool = '', code = ''] = key.split(':');
      return !(ALLOWED[tool] ?? []).includes(code);
    });
    expect(unexpected.map((key) => `${key} ×${codes.get(key) ?? 0}: ${samples.get(key) ?? ''}`)).toEqual([]);
    expect([...codes.keys()].filter((key) => key.endsWith(':INTERNAL_SERVER_ERROR') || key.endsWith(':DATABASE_BUSY'))).toEqual([]);
    expect(lb.stats.dropped.filter((drop) => drop.replica !== victim.cli.url)).toEqual([]);
    expect(exitCodes).toEqual([0, 0, 0]);

    // The balancer spread the load: every replica answered, the replacement too, and the dead one was skipped.
    for (const replica of [r1, r2, r3, replacement as Replica]) expect(lb.stats.answered.get(replica.cli.url) ?? 0).toBeGreaterThan(0);
    expect(lb.stats.refused).toBeGreaterThan(0);

    // One clock.
    expect(new Set(offsets).size).toBe(1);

    // The money and the periods add up in the schema.
    expect(invariants.walletsOffLedger).toEqual([]);
    expect(invariants.refundsAbovePayment).toEqual([]);
    expect(invariants.renewalGaps).toEqual([]);
    expect(invariants.renewalPaymentsShared).toEqual([]);
    expect(invariants.clock?.advance_owner).toBeNull();
    expect(invariants.clock?.offset_ms).toBe(offsets[0]);

    // Every acknowledged usage event stored once (in usage_events alone) and billed once; nobody else billed for usage.
    expect(staged).toBe(0);
    const notStoredOnce = [...acknowledged.values()].flatMap((ids) => [...ids]).filter((id) => stored.get(id) !== 1);
    expect(notStoredOnce).toEqual([]);
    expect(stored.size).toBe(acknowledgedCount);
    const billedWrong = [...acknowledged.entries()]
      .filter(([customer_id, ids]) => (billed.get(customer_id) ?? 0) !== ids.size)
      .map(([customer_id, ids]) => ({ customer_id, acknowledged: ids.size, billed: billed.get(customer_id) ?? 0 }));
    expect(billedWrong).toEqual([]);
    expect([...billed.entries()].filter(([customer_id, units]) => units > 0 && !acknowledged.has(customer_id))).toEqual([]);

    // The run did real work.
    expect(succeeded).toBeGreaterThan(200);
    expect(renewals).toBeGreaterThan(0);
    expect(acknowledgedCount).toBeGreaterThan(0);
    expect(advances).toBeGreaterThanOrEqual(3);
  }, 180_000);
});
