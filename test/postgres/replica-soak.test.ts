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
// The load, its refusal rules and the checks shared with the SQLite soak are test/support/soak-load.ts's; this
// file starts the replicas and the balancer, kills and replaces a replica, and reads the schema.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cliEnv, type HttpCli, startHttpCli } from '../support/cli-process.js';
import { streamableClient } from '../support/e2e-clients.js';
import { billedUnitsByCustomerPostgres, readPostgresInvariants, withSchema } from '../support/postgres-invariants.js';
import { type Server, serverOf } from '../support/shared-servers.js';
import {
  closeEveryPeriod,
  createCatalog,
  expectMoneyAndPeriodsAddUp,
  expectOnlyBusinessRefusals,
  expectRealWork,
  expectUsageStoredAndBilledOnce,
  logSummary,
  messageOf,
  soakLoad,
  stepReporting,
} from '../support/soak-load.js';
import { TEST_POSTGRES_URL } from '../support/test-database.js';

/** Clients of the balancer, each with its loops. */
const CLIENTS = 3;
/** The balancer's 502 answer starts with this: the replica went away while it held the request. */
const DROPPED = 'replica went away mid-flight';

/** One server process of the soak. */
interface Replica {
  name: string;
  cli: HttpCli;
}

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
  return serverOf(
    name,
    client,
    () => Promise.reject(new Error(`${name} is a client: the replicas are what gets killed`)),
    () => client.close(),
  );
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

    // A call is lost when its replica was killed: a direct client's call to it (see killWhileIngesting), or the balancer's 502.
    const load = soakLoad({
      catalog: await createCatalog(first),
      lostOn: (error) => error instanceof StreamableHTTPError && error.code === 502,
    });

    // R2 is killed midway; R4 replaces it in the balancer's rotation, where R2 stays (and refuses).
    const victim = r2;
    let replacement: Replica | undefined;
    const crash = async () => {
      const direct = await connected(`${victim.name}-direct`, victim.cli.url);
      // Three batches sent straight to R2 as it dies: whether R2 stored them is unknown, so they are re-sent.
      await load.killWhileIngesting(direct, async () => {
        await victim.cli.kill();
        running.splice(running.indexOf(victim), 1);
      });
      try {
        replacement = await startReplica('R4');
      } catch (error) {
        load.stop();
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
    const step = stepReporting(diagnostics);
    const loadMs = await step('load', () =>
      load.run(
        loadClients.map((client) => () => client),
        crash,
      ),
    );
    const live = [r1, r3, replacement as Replica];

    // The batches lost with R2, re-sent through the balancer: only what R2 had not stored counts as new.
    const resentDuplicates = await load.resend(first, step);

    // Close every period that holds usage, then every live replica, asked directly, must show the same clock.
    await closeEveryPeriod(first, step);
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

    const answered = Object.fromEntries([...lb.stats.answered.entries()].map(([replica, n]) => [nameOf(replica), n]));
    logSummary(
      'replica-soak',
      load,
      { started, loadMs, renewals, renewalPayments, resentDuplicates, offsets },
      reported,
      `balancer=${JSON.stringify({ answered, refused: lb.stats.refused, dropped: lb.stats.dropped.length })} exit-codes=${exitCodes.join(',')}`,
    );

    // Every answer was a result or a business refusal; only the killed replica dropped requests.
    expectOnlyBusinessRefusals(load.tallies, reported);
    expect(lb.stats.dropped.filter((drop) => drop.replica !== victim.cli.url)).toEqual([]);
    expect(exitCodes).toEqual([0, 0, 0]);

    // The balancer spread the load: every replica answered, the replacement too, and the dead one was skipped.
    for (const replica of [r1, r2, r3, replacement as Replica]) expect(lb.stats.answered.get(replica.cli.url) ?? 0).toBeGreaterThan(0);
    expect(lb.stats.refused).toBeGreaterThan(0);

    // One clock.
    expect(new Set(offsets).size).toBe(1);

    // The money and the periods add up in the schema.
    expectMoneyAndPeriodsAddUp(invariants);
    expect(invariants.clock?.offset_ms).toBe(offsets[0]);

    // Every acknowledged usage event stored once (in usage_events alone) and billed once; nobody else billed for usage.
    expect(staged).toBe(0);
    expectUsageStoredAndBilledOnce(load.learnt, stored, billed);

    // The run did real work.
    expectRealWork(load, renewals, 200);
  }, 180_000);
});
