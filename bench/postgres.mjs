// PostgreSQL benchmarks (issue 17): `node scripts/with-postgres.mjs -- node bench/postgres.mjs` after
// `npm run build` (it reads BILLING_MCP_TEST_PG, creates its own databases there and drops them at the end).
// Every figure that matters is a ratio against a baseline measured in the same run:
//   1. Usage ingestion at 1,000,000 stored events: engine.usage.ingest of 1000-event batches against the floor,
//      a raw psql `\copy` of the same rows into an unindexed table (target engine/floor ≥ 0.25); and the
//      store's INSERT … SELECT FROM unnest(arrays) against the multi-row INSERT … VALUES it did not choose.
//   2. Renewing N usage subscriptions (default 10,000) with three replicas (processes) against one, each
//      running the due-work runner on the same database from an identical copy (target three/one ≤ 0.6).
//   3. get_product over Streamable HTTP on PostgreSQL against SQLite, the built CLI for both, each next to
//      the MCP `ping` baseline in the same sessions.
// Flags shrink it: --events 1000000 --batches 200 --compare-batches 100 --subscriptions 10000
// --iterations 2000 --warmup 200. Prints one JSON object on stdout (progress on stderr). Exit status 1 when
// a check fails (an engine error, a wrong count after the renewals), never for a missed target.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fromDist, snapshotDist } from './dist.mjs';
import { machine, ratio, round, roundStats } from './stats.mjs';
import { timeCases } from './tool-calls.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    batches: { type: 'string', default: '200' },
    'compare-batches': { type: 'string', default: '100' },
    subscriptions: { type: 'string', default: '10000' },
    iterations: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    // Which parts to run, comma-separated: ingest, renewals, http.
    parts: { type: 'string', default: 'ingest,renewals,http' },
    'seed-concurrency': { type: 'string', default: '4' },
    // Ingest batches in flight for the parallel figure (default: one per CPU, at least 2).
    'ingest-in-flight': { type: 'string', default: String(Math.max(2, cpus().length)) },
    // Internal: this file is also the replica process of part 2.
    'renew-child': { type: 'string' },
  },
});

const BATCH = 1000;
const CUSTOMERS = 1000;
// Writes in flight while building or seeding: they take turns on the write lock, but one batch's JS work
// (validation, arrays) overlaps another's round trips.
const SEED_CONCURRENCY = Number(flags['seed-concurrency']);
const NOW = Date.parse('2025-04-15T12:00:00.000Z');
const SEEDED_AT = '2025-04-01T00:00:00.000Z';
const USAGE_AT = '2025-04-30T23:30:00.000Z';
const RENEWAL_AT = Date.parse('2025-05-01T00:00:00.000Z');

const log = (line) => process.stderr.write(`bench/postgres: ${line}\n`);
const eventId = () => `evt_${randomBytes(12).toString('base64url')}`;
const seconds = (ms) => round(ms / 1000, 3);
const perSecond = (count, ms) => Math.round(count / (ms / 1000));

/** Runs fn(0…count−1) with at most `limit` in flight. */
async function inParallel(limit, count, fn) {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** The URL of another database on the same server, optionally with the CLI's ?schema=. */
function databaseUrl(base, name, schema) {
  const url = new URL(base);
  url.pathname = `/${name}`;
  if (schema) url.searchParams.set('schema', schema);
  return url.toString();
}

/** psql: PG_BIN, else PATH, else the newest /usr/lib/postgresql/<n>/bin (as scripts/with-postgres.mjs). */
function psqlPath() {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'psql'))) return join(process.env.PG_BIN, 'psql');
  if (spawnSync('psql', ['--version']).status === 0) return 'psql';
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const found = versions.map((v) => join(root, v, 'bin', 'psql')).find((p) => existsSync(p));
  if (!found) throw new Error('psql not found: install postgresql-client or set PG_BIN');
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// 1. Usage ingestion at 1,000,000 stored events

/** One 1000-event batch as engine input; `at` is its events' timestamp (ms). */
const batchOf = (customers, at, offset = 0) =>
  Array.from({ length: BATCH }, (_, j) => ({
    event_id: eventId(),
    customer_id: customers[(offset + j) % customers.length],
    event_name: (offset + j) % 2 ? 'api.call' : 'image.generated',
    timestamp: new Date(at).toISOString(),
    metadata: { tokens: (offset + j) % 97, model: (offset + j) % 3 ? 'small' : 'large' },
  }));

/**
 * The base: `events` events over 1,000 customers through the engine's own ingestion, 1000-event batches with
 * the clock moving along (each batch's events are within the hour before it, as validation requires).
 */
async function buildBase(engine, clock, events) {
  const ids = new Array(CUSTOMERS);
  await inParallel(SEED_CONCURRENCY, CUSTOMERS, async (i) => {
    ids[i] = (await engine.customers.create({ email: `c${i}@example.com`, name: `C${i}` })).customer_id;
  });
  const first = NOW - 14 * 86_400_000;
  let b = 0;
  await inParallel(SEED_CONCURRENCY, Math.ceil(events / BATCH), async () => {
    const index = b++;
    clock.set(first + (index + 1) * 1_000_000);
    await engine.usage.ingest(batchOf(ids, first + index * 1_000_000, index * BATCH));
  });
  return ids;
}

/**
 * Engine ingest: `count` batches, `inFlight` at a time (1: one after another), after 10 unmeasured ones.
 * Batches take the write lock shared (db/lock-mode.ts), so batches in flight are stored side by side.
 */
async function timeEngineIngest(engine, ids, count, inFlight = 1) {
  for (let i = 0; i < 10; i++) await engine.usage.ingest(batchOf(ids, NOW - 1000, i));
  const batches = Array.from({ length: count }, (_, i) => batchOf(ids, NOW - 1000, i));
  const started = performance.now();
  await inParallel(inFlight, count, async (i) => {
    const result = await engine.usage.ingest(batches[i]);
    if (result.ingested_count !== BATCH) throw new Error(`engine ingested ${result.ingested_count} of ${BATCH}`);
  });
  return { ms: performance.now() - started, batches };
}

/** A stored row as the store writes it, for the raw alternatives (same columns, same values). */
const rowOf = (businessId) => (e) => ({
  event_id: e.event_id,
  business_id: businessId,
  customer_id: e.customer_id,
  event_name: e.event_name,
  timestamp: Date.parse(e.timestamp),
  metadata: JSON.stringify(e.metadata),
});

const csvField = (value) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * The floor: psql `\copy` of the rows into a table with no index, timed by psql itself (\timing), so neither
 * psql's start nor its connection counts. One COPY of every row (the cheapest way in), and one COPY per
 * 1000-row batch (a commit per batch, as the engine pays).
 */
function timeCopy(psql, url, rows, dir) {
  const line = (r) => [r.event_id, r.business_id, r.customer_id, r.event_name, String(r.timestamp), csvField(r.metadata)].join(',');
  const all = join(dir, 'all.csv');
  writeFileSync(all, `${rows.map(line).join('\n')}\n`);
  const perBatch = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const file = join(dir, `batch-${i / BATCH}.csv`);
    writeFileSync(
      file,
      `${rows
        .slice(i, i + BATCH)
        .map(line)
        .join('\n')}\n`,
    );
    perBatch.push(file);
  }
  const columns = '(event_id text, business_id text, customer_id text, event_name text, timestamp bigint, metadata text)';
  const script = [
    `CREATE TABLE floor_all ${columns};`,
    `CREATE TABLE floor_batches ${columns};`,
    '\\timing on',
    `\\copy floor_all FROM '${all}' WITH (FORMAT csv)`,
    ...perBatch.map((file) => `\\copy floor_batches FROM '${file}' WITH (FORMAT csv)`),
  ].join('\n');
  const run = spawnSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url], { input: script, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
  const times = [...run.stdout.matchAll(/Time: ([\d.]+) ms/g)].map((m) => Number(m[1]));
  if (times.length !== 1 + perBatch.length) throw new Error(`psql printed ${times.length} timings, expected ${1 + perBatch.length}:\n${run.stdout}`);
  return { oneCopyMs: times[0], perBatchMs: times.slice(1).reduce((a, b) => a + b, 0) };
}

const COLUMNS = 'event_id, business_id, customer_id, event_name, timestamp, metadata';

/** The store's statement (usage/postgres-store.ts insertNew), sent straight through pg. */
function unnestInsert(eventIdHash, rows) {
  const text = `INSERT INTO usage_events (id_hash, ${COLUMNS})
    SELECT h, e, b, c, n, t, m FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[])
      WITH ORDINALITY AS batch(h, e, b, c, n, t, m, position)
    ORDER BY position
    ON CONFLICT (event_id) DO NOTHING`;
  const values = [
    rows.map((r) => eventIdHash(r.event_id)),
    rows.map((r) => r.event_id),
    rows.map((r) => r.business_id),
    rows.map((r) => r.customer_id),
    rows.map((r) => r.event_name),
    rows.map((r) => r.timestamp),
    rows.map((r) => r.metadata),
  ];
  return { text, values };
}

/** The alternative: one multi-row VALUES with 7 parameters a row (what Kysely's .values(rows) sends). */
function valuesInsert(eventIdHash, rows) {
  const tuples = rows.map((_, i) => `(${Array.from({ length: 7 }, (_, k) => `$${i * 7 + k + 1}`).join(', ')})`);
  const text = `INSERT INTO usage_events (id_hash, ${COLUMNS}) VALUES ${tuples.join(', ')} ON CONFLICT (event_id) DO NOTHING`;
  const values = rows.flatMap((r) => [eventIdHash(r.event_id), r.event_id, r.business_id, r.customer_id, r.event_name, r.timestamp, r.metadata]);
  return { text, values };
}

/**
 * unnest against VALUES, both straight through pg (no engine, no lock) into usage_events itself with fresh
 * ids, on the same 1,000,000+ rows and indexes: `count` batches each, alternating which goes first. Each is
 * one autocommit statement; building the parameters is timed too, since it is part of the choice.
 */
async function compareInsertForms(client, eventIdHash, ids, businessId, count) {
  const forms = { unnest: unnestInsert, values: valuesInsert };
  const total = { unnest: 0, values: 0 };
  const rowsOf = () => batchOf(ids, NOW - 1000).map(rowOf(businessId));
  for (let i = 0; i < 5; i++) for (const form of Object.values(forms)) await client.query(form(eventIdHash, rowsOf()));
  for (let i = 0; i < count; i++) {
    const order = i % 2 ? ['values', 'unnest'] : ['unnest', 'values'];
    for (const name of order) {
      const rows = rowsOf();
      const started = performance.now();
      const result = await client.query(forms[name](eventIdHash, rows));
      total[name] += performance.now() - started;
      if (result.rowCount !== BATCH) throw new Error(`${name} stored ${result.rowCount} of ${BATCH}`);
    }
  }
  return total;
}

async function benchIngest(ctx) {
  const { dist, admin, baseUrl, tag, psql, tmp } = ctx;
  const [{ openPostgresDatabase }, { createEngine }, { FrozenClock }, { eventIdHash }] = await Promise.all(
    ['engine/db/postgres.js', 'engine/index.js', 'engine/clock.js', 'engine/usage/event-hash.js'].map((p) => fromDist(dist, p)),
  );
  const name = `${tag}_usage`;
  await admin.query(`CREATE DATABASE ${name}`);
  ctx.databases.push(name);
  const url = databaseUrl(baseUrl, name);
  const opened = openPostgresDatabase({ url });
  const clock = new FrozenClock(new Date(NOW - 15 * 86_400_000).toISOString());
  const engine = await createEngine({ db: opened.db, clock });
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  const out = {};
  try {
    const events = Number(flags.events);
    log(`usage: building ${events} events over ${CUSTOMERS} customers through engine.usage.ingest…`);
    const t = performance.now();
    const ids = await buildBase(engine, clock, events);
    out.base_build_s = seconds(performance.now() - t);
    await raw.query('VACUUM ANALYZE usage_events');
    out.base_events = Number((await raw.query('SELECT count(*) AS n FROM usage_events')).rows[0].n);
    if (out.base_events !== events) throw new Error(`the base holds ${out.base_events} events, expected ${events}`);
    // What every insert maintains (the engine's schema, not the bench's choice).
    out.usage_events_indexes = (await raw.query("SELECT indexname FROM pg_indexes WHERE tablename = 'usage_events' ORDER BY indexname")).rows.map(
      (r) => r.indexname,
    );

    clock.set(NOW);
    const count = Number(flags.batches);
    log(`usage: engine ingest, ${count} batches of ${BATCH}…`);
    const engineRun = await timeEngineIngest(engine, ids, count);
    const inFlight = Number(flags['ingest-in-flight']);
    log(`usage: engine ingest, ${count} batches of ${BATCH}, ${inFlight} in flight…`);
    const parallelRun = await timeEngineIngest(engine, ids, count, inFlight);
    const businessId = (await raw.query('SELECT business_id FROM customers LIMIT 1')).rows[0].business_id;
    const rows = engineRun.batches.flat().map(rowOf(businessId));
    log('usage: floor, psql \\copy of the same rows into an unindexed table…');
    const copy = timeCopy(psql, url, rows, mkdtempSync(join(tmp, 'copy-')));
    const compareCount = Number(flags['compare-batches']);
    log(`usage: unnest vs VALUES, ${compareCount} batches each, straight through pg…`);
    const forms = await compareInsertForms(raw, eventIdHash, ids, businessId, compareCount);

    const stored = count * BATCH;
    // Engine: validation, the customer check, the advisory write lock, the unnest insert into the indexed
    // table, the commit; one batch in flight.
    out.engine_ingest_events_per_s = perSecond(stored, engineRun.ms);
    out.engine_ingest_ms_per_batch = round(engineRun.ms / count);
    // Floor: the same rows by one COPY into a table with no index (nothing cheaper gets rows in).
    out.copy_floor_events_per_s = perSecond(stored, copy.oneCopyMs);
    // Also the floor paying a statement and a commit per 1000 rows, as the engine does.
    out.copy_per_batch_events_per_s = perSecond(stored, copy.perBatchMs);
    out.engine_vs_floor_ratio = round(copy.oneCopyMs / engineRun.ms);
    out.engine_vs_copy_per_batch_ratio = round(copy.perBatchMs / engineRun.ms);
    // The same number of fresh batches, several in flight (as replicas or callers send them): batches share
    // the write lock, so they are stored side by side, as far as the machine's cores allow.
    out.engine_parallel_in_flight = inFlight;
    out.engine_parallel_events_per_s = perSecond(stored, parallelRun.ms);
    out.engine_parallel_vs_floor_ratio = round(copy.oneCopyMs / parallelRun.ms);
    // The store's statement against the one it did not choose, same rows, same indexes, no engine.
    out.unnest_insert_events_per_s = perSecond(compareCount * BATCH, forms.unnest);
    out.values_insert_events_per_s = perSecond(compareCount * BATCH, forms.values);
    out.unnest_ms_per_batch = round(forms.unnest / compareCount);
    out.values_ms_per_batch = round(forms.values / compareCount);
    // > 1: unnest is faster by that factor.
    out.values_vs_unnest_time_ratio = round(forms.values / forms.unnest);
    // The store's insert statement alone (no validation, customer check, lock or commit) against the floor:
    // the most any ingestion that stores each event in this table with its indexes can reach. What the
    // engine adds is the difference between this and engine_vs_floor_ratio.
    out.insert_statement_vs_floor_ratio = round(copy.oneCopyMs / ((forms.unnest / compareCount) * count));
    return out;
  } finally {
    await raw.end();
    await engine.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// 2. Renewals: one replica against three

/** The seed database: N usage subscriptions bought on SEEDED_AT, each with 20 events in its closing period. */
async function seedRenewals(ctx, name, n) {
  const [{ openPostgresDatabase }, { createEngine }, { FrozenClock }] = await Promise.all(
    ['engine/db/postgres.js', 'engine/index.js', 'engine/clock.js'].map((p) => fromDist(ctx.dist, p)),
  );
  await ctx.admin.query(`CREATE DATABASE ${name}`);
  ctx.databases.push(name);
  const clock = new FrozenClock(SEEDED_AT);
  const engine = await createEngine({ db: openPostgresDatabase({ url: databaseUrl(ctx.baseUrl, name) }).db, clock });
  try {
    const meter = await engine.meters.create({ name: 'Calls', event_name: 'api.call', measurement_unit: 'calls', aggregation: { type: 'count' } });
    const product = await engine.products.create({
      name: 'Usage',
      tax_category: 'saas',
      price: {
        type: 'usage_based_price',
        currency: 'USD',
        fixed_price: 1000,
        payment_frequency_count: 1,
        payment_frequency_interval: 'Month',
        meters: [{ meter_id: meter.meter_id, price_per_unit: '2', free_threshold: 10 }],
      },
    });
    const customers = new Array(n);
    await inParallel(SEED_CONCURRENCY, n, async (i) => {
      const customer = await engine.customers.create({ email: `r${i}@example.com`, name: `R${i}` });
      const method = await engine.customers.createPaymentMethod(customer.customer_id, {
        number: '4242424242424242',
        exp_month: 6,
        exp_year: 2032,
        cvc: '123',
      });
      await engine.subscriptions.create({
        customer_id: customer.customer_id,
        payment_method_id: method.payment_method_id,
        product_id: product.product_id,
        quantity: 1,
      });
      customers[i] = customer.customer_id;
    });
    clock.set(USAGE_AT);
    await inParallel(SEED_CONCURRENCY, Math.ceil(n / 50), (b) =>
      engine.usage.ingest(
        customers
          .slice(b * 50, b * 50 + 50)
          .flatMap((c, j) => Array.from({ length: 20 }, (_, k) => ({ event_id: `r-${b * 50 + j}-${k}`, customer_id: c, event_name: 'api.call' }))),
      ),
    );
  } finally {
    await engine.close();
  }
}

/** A replica: opens the engine, says ready, runs the due work on "go", reports, exits. */
async function renewChild(spec) {
  const { dist, url, at } = JSON.parse(spec);
  const [{ openPostgresDatabase }, { createEngine }, { FrozenClock }] = await Promise.all(
    ['engine/db/postgres.js', 'engine/index.js', 'engine/clock.js'].map((p) => fromDist(dist, p)),
  );
  const engine = await createEngine({ db: openPostgresDatabase({ url }).db, clock: new FrozenClock(at) });
  process.stdout.write('ready\n');
  const go = createInterface({ input: process.stdin });
  await once(go, 'line');
  go.close();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const done = await engine.dueWork.run(at);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const errors = done.filter((r) => r.error);
  process.stdout.write(
    `${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, results: done.length, renewals: done.filter((r) => !r.error && r.kind === 'renewal').length, errors: errors.length, firstError: errors[0]?.error, sampleAmount: done.find((r) => r.amount)?.amount })}\n`,
  );
  // Open until told: the parent reads its database sessions' CPU time while they still exist.
  const close = createInterface({ input: process.stdin });
  await once(close, 'line');
  close.close();
  await engine.close();
}

/**
 * CPU seconds used so far by every `postgres` process of this machine (Linux /proc; undefined elsewhere),
 * per pid, to tell how much of the machine a run kept busy: the server's share of a renewal's work.
 */
function postgresCpuSeconds() {
  if (!existsSync('/proc/self/stat')) return undefined;
  const perPid = new Map();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(')');
    if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
    // Fields after "(comm) ": state is the 3rd field, utime and stime the 14th and 15th.
    const fields = stat.slice(close + 2).split(' ');
    perPid.set(pid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
  }
  return perPid;
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds the postgres processes used between two samples; a process new since `before` counts whole. */
function postgresCpuBetween(before, after) {
  if (!before || !after) return undefined;
  let total = 0;
  for (const [pid, used] of after) total += used - (before.get(pid) ?? 0);
  return total;
}

/** Starts `replicas` processes on the database, waits until all are ready, then times go → all reported. */
async function timeReplicas(ctx, url, replicas) {
  const spawned = performance.now();
  const children = Array.from({ length: replicas }, () => {
    const child = spawn(process.execPath, [SELF, '--renew-child', JSON.stringify({ dist: ctx.dist, url, at: RENEWAL_AT })], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-8192)));
    const lines = createInterface({ input: child.stdout });
    const next = () =>
      Promise.race([
        once(lines, 'line').then(([line]) => line),
        once(child, 'exit').then(([code]) => {
          throw new Error(`replica exited with ${code}:\n${stderr}`);
        }),
      ]);
    return { child, next };
  });
  const ready = await Promise.all(children.map((c) => c.next()));
  if (ready.some((line) => line !== 'ready')) throw new Error(`a replica did not start: ${ready.join(' | ')}`);
  const postgresBefore = postgresCpuSeconds();
  const started = performance.now();
  const startMs = started - spawned;
  const reports = await Promise.all(
    children.map(async (c) => {
      const report = c.next();
      c.child.stdin.write('go\n');
      const line = await report;
      const finished = performance.now();
      return { ...JSON.parse(line), finishedAfterMs: finished - started };
    }),
  );
  const ms = performance.now() - started;
  const postgresCpuS = postgresCpuBetween(postgresBefore, postgresCpuSeconds());
  for (const c of children) c.child.stdin.end('close\n');
  await Promise.all(children.map((c) => (c.child.exitCode === null ? once(c.child, 'exit') : undefined)));
  return { ms, startMs, reports, postgresCpuS };
}

/** What the database holds after the run: every subscription renewed exactly once, one payment each. */
async function checkRenewals(url, n) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const runs = (
      await client.query(`SELECT count(*)::int AS runs, count(DISTINCT subscription_id)::int AS subscriptions,
      count(payment_id)::int AS with_payment FROM subscription_period_runs WHERE kind = 'renewal'`)
    ).rows[0];
    const payments = (
      await client.query('SELECT count(*)::int AS n, count(DISTINCT subscription_id)::int AS subscriptions FROM payments WHERE created_at >= $1', [
        RENEWAL_AT,
      ])
    ).rows[0];
    const renewed = (await client.query('SELECT count(*)::int AS n FROM subscriptions WHERE next_billing_date > $1', [RENEWAL_AT])).rows[0];
    const check = {
      renewal_runs: runs.runs,
      renewed_subscriptions: runs.subscriptions,
      payments_at_renewal: payments.n,
      subscriptions_paid_at_renewal: payments.subscriptions,
      subscriptions_moved_on: renewed.n,
    };
    check.ok = Object.values(check).every((v) => v === n) && runs.with_payment === n;
    return check;
  } finally {
    await client.end();
  }
}

async function benchRenewals(ctx) {
  const n = Number(flags.subscriptions);
  const seed = `${ctx.tag}_seed`;
  log(`renewals: seeding ${n} usage subscriptions into template database ${seed}…`);
  const t = performance.now();
  await seedRenewals(ctx, seed, n);
  const out = { renewal_seed_s: seconds(performance.now() - t), subscriptions: n };
  for (const replicas of [1, 3]) {
    const name = `${ctx.tag}_run${replicas}`;
    await ctx.admin.query(`CREATE DATABASE ${name} TEMPLATE ${seed}`);
    ctx.databases.push(name);
    const url = databaseUrl(ctx.baseUrl, name);
    log(`renewals: ${replicas} replica(s) running the due work on ${name}…`);
    const run = await timeReplicas(ctx, url, replicas);
    const check = await checkRenewals(url, n);
    const key = replicas === 1 ? 'one' : 'three';
    // Wall time from "go" (every replica has opened the engine) to the last replica's report.
    out[`renew_${key}_s`] = seconds(run.ms);
    // Before that (not in the figure): spawning the replicas until each has opened the engine.
    out[`renew_${key}_start_s`] = seconds(run.startMs);
    out[`renew_${key}_per_replica`] = run.reports.map((r) => ({
      renewals: r.renewals,
      errors: r.errors,
      ...(r.firstError ? { first_error: r.firstError } : {}),
      s: seconds(r.ms),
    }));
    // How much of the machine the run kept busy: the replicas' own CPU time plus the database server's,
    // over the wall time. Work that is spread perfectly cannot finish sooner than its CPU time over the
    // machine's cores, whatever the lock does.
    const nodeCpuS = run.reports.reduce((sum, r) => sum + r.cpuMs, 0) / 1000;
    out[`renew_${key}_cpu`] = {
      replicas_s: round(nodeCpuS),
      postgres_s: run.postgresCpuS === undefined ? null : round(run.postgresCpuS),
      busy_cores: run.postgresCpuS === undefined ? null : round((nodeCpuS + run.postgresCpuS) / (run.ms / 1000), 2),
    };
    out[`renew_${key}_check`] = check;
    out.renewal_amount_sample ??= run.reports.find((r) => r.sampleAmount)?.sampleAmount;
    if (!check.ok || run.reports.some((r) => r.errors > 0)) ctx.failures.push(`renewals with ${replicas} replica(s): ${JSON.stringify(check)}`);
    await ctx.admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    ctx.databases.splice(ctx.databases.indexOf(name), 1);
  }
  out.renew_one_ms_each = round((out.renew_one_s * 1000) / n);
  // < 1: three replicas finished sooner than one (target ≤ 0.6). Writes take one lock, so expect ~1.
  out.renew_three_vs_one_ratio = round(out.renew_three_s / out.renew_one_s);
  // The best three/one this machine allows even with no lock at all: one replica's CPU time (its own and the
  // server's) spread over every core, and no better than a third. With one replica keeping 1.2 of 2 cores
  // busy, that is 0.6: below it the target cannot be shown here.
  if (out.renew_one_cpu.busy_cores !== null) {
    out.renew_three_vs_one_machine_bound = round(Math.max(1 / 3, out.renew_one_cpu.busy_cores / cpus().length), 2);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// 3. get_product over HTTP: PostgreSQL against SQLite

/** See bench/tool-calls.mjs: POSTs go without the SDK's shared abort signal, which piles up listeners. */
const fetchWithoutSharedSignal = (url, init = {}) =>
  (init.method ?? 'GET') === 'GET' ? fetch(url, init) : fetch(url, { ...init, signal: undefined });

/** The built CLI over Streamable HTTP (--stateless, as replicas run) on `db`, with a connected SDK client. */
async function startCli(dist, db) {
  const child = spawn(process.execPath, [join(dist, 'cli.js'), '--transport', 'http', '--port', '0', '--db', db, '--stateless'], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = once(child, 'exit');
  const listening = new Promise((resolve) => {
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8192);
      const found = /listening on (http:\/\/\S+)/.exec(stderr);
      if (found) resolve(found[1]);
    });
  });
  const base = await Promise.race([
    listening,
    exited.then(([code]) => {
      throw new Error(`the CLI exited with ${code} before listening:\n${stderr}`);
    }),
  ]);
  const endpoint = new URL('/mcp', base);
  const client = new Client({ name: 'billing-mcp-bench', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(endpoint, { fetch: fetchWithoutSharedSignal }));
  return {
    client,
    stderr: () => stderr,
    async close() {
      await client.close();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function callOk(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent;
}

const PLAN = {
  name: 'Team',
  tax_category: 'saas',
  price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
};

async function benchHttp(ctx) {
  const schema = `${ctx.tag}_http`;
  await ctx.admin.query(`CREATE SCHEMA ${schema}`);
  ctx.schemas.push(schema);
  const servers = {
    sqlite: await startCli(ctx.dist, join(mkdtempSync(join(ctx.tmp, 'sqlite-')), 'billing.db')),
    pg: await startCli(ctx.dist, databaseUrl(ctx.baseUrl, new URL(ctx.baseUrl).pathname.slice(1), schema)),
  };
  try {
    const cases = [];
    for (const [name, { client }] of Object.entries(servers)) {
      const { product_id: productId } = await callOk(client, 'create_product', PLAN);
      const read = await callOk(client, 'get_product', { product_id: productId });
      if (read.product_id !== productId) throw new Error(`${name}: get_product returned ${read.product_id}, not ${productId}`);
      cases.push(
        { name: `${name}_get_product`, run: () => callOk(client, 'get_product', { product_id: productId }) },
        // The baseline: an MCP ping through the same transport and server, no tool, no engine.
        { name: `${name}_ping`, run: () => client.ping() },
      );
    }
    const config = { warmup: Number(flags.warmup), iterations: Number(flags.iterations) };
    log(`http: get_product and ping on SQLite and PostgreSQL, interleaved (${config.warmup} warm-up + ${config.iterations} each)…`);
    const stats = await timeCases(cases, config);
    const median = (name) => stats[name].median;
    return {
      http_iterations: config.iterations,
      http: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, roundStats(v)])),
      // get_product on PostgreSQL over the same on SQLite (medians; same client, interleaved).
      get_product_pg_vs_sqlite: ratio(median('pg_get_product'), median('sqlite_get_product')),
      // Each over the ping of its own server: what the tool and its engine read cost beyond a round trip.
      get_product_vs_ping_pg: ratio(median('pg_get_product'), median('pg_ping')),
      get_product_vs_ping_sqlite: ratio(median('sqlite_get_product'), median('sqlite_ping')),
      // Engine read + tool overhead in ms (get_product − ping), each database.
      get_product_minus_ping_ms: {
        pg: round(median('pg_get_product') - median('pg_ping')),
        sqlite: round(median('sqlite_get_product') - median('sqlite_ping')),
      },
    };
  } catch (error) {
    error.message += `\n--- sqlite stderr ---\n${servers.sqlite.stderr()}\n--- pg stderr ---\n${servers.pg.stderr()}`;
    throw error;
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  }
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const baseUrl = process.env.BILLING_MCP_TEST_PG;
  if (!baseUrl) throw new Error('BILLING_MCP_TEST_PG is not set: run node scripts/with-postgres.mjs -- node bench/postgres.mjs');
  const started = performance.now();
  const host = machine();
  const build = await snapshotDist();
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const ctx = {
    dist: build.dist,
    admin,
    baseUrl,
    tag: `pgbench_${process.pid}`,
    psql: psqlPath(),
    tmp: mkdtempSync(join(tmpdir(), 'billing-mcp-pgbench-')),
    databases: [],
    schemas: [],
    failures: [],
  };
  const results = { machine: host, server: (await admin.query('SHOW server_version')).rows[0].server_version };
  try {
    const parts = new Set(flags.parts.split(','));
    if (parts.has('ingest')) Object.assign(results, await benchIngest(ctx));
    if (parts.has('renewals')) Object.assign(results, await benchRenewals(ctx));
    if (parts.has('http')) Object.assign(results, await benchHttp(ctx));
  } finally {
    for (const name of ctx.databases)
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((e) => log(`drop ${name}: ${e.message}`));
    for (const name of ctx.schemas) await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`).catch((e) => log(`drop schema ${name}: ${e.message}`));
    await admin.end();
    rmSync(ctx.tmp, { recursive: true, force: true });
    build.remove();
  }
  results.failures = ctx.failures;
  results.total_s = seconds(performance.now() - started);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  if (ctx.failures.length > 0) process.exitCode = 1;
}

if (flags['renew-child']) {
  renewChild(flags['renew-child']).catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
}
