// Usage ingestion and billing benchmarks (issue 5): `node bench/usage.mjs` after `npm run build`.
// On a database already holding 1,000,000 events across 1,000 customers (built once into .bench-tmp/ and
// reused), measures: engine-level ingest of 1000-event batches (target ≥ 100,000 events/s) and its ratio to
// a raw better-sqlite3 batched insert of the same rows into a table with no indexes (the floor); ingest
// through ingest_usage_events over stdio (target ≥ 30,000 events/s); one customer's meter total for a
// period (target ≤ 1 ms); renewing N usage subscriptions with the due-work runner (target 10,000 ≤ 10 s).
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(REPO, 'dist');
const TMP = join(REPO, '.bench-tmp');
const BASE = join(TMP, 'usage-1m-v2.db');
const { values: flags } = parseArgs({
  options: { subscriptions: { type: 'string', default: '10000' }, batches: { type: 'string', default: '200' } },
});
const NOW = Date.parse('2025-04-15T12:00:00.000Z');
const imp = (p) => import(join(DIST, p));
const [{ openDatabase }, { createEngine }, { FrozenClock }] = await Promise.all(
  ['engine/db/database.js', 'engine/index.js', 'engine/clock.js'].map(imp),
);

const eventId = () => `evt_${randomBytes(12).toString('base64url')}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The base database is built through the engine's own ingestion, 1000 events a batch with the clock
// moving along (D12), then merged: the layout a long-running server ends up with.
async function buildBase() {
  if (existsSync(BASE)) return;
  const clock = new FrozenClock(new Date(NOW - 15 * 86_400_000).toISOString());
  const opened = openDatabase({ path: `${BASE}.part` });
  const engine = await createEngine({ db: opened.db, clock });
  const ids = [];
  for (let i = 0; i < 1000; i++) ids.push((await engine.customers.create({ email: `c${i}@example.com`, name: `C${i}` })).customer_id);
  const first = NOW - 14 * 86_400_000;
  for (let b = 0; b < 1000; b++) {
    clock.set(first + (b + 1) * 1_000_000);
    const events = Array.from({ length: 1000 }, (_, j) => {
      const i = b * 1000 + j;
      return {
        event_id: eventId(),
        customer_id: ids[i % 1000],
        event_name: i % 2 ? 'api.call' : 'image.generated',
        timestamp: new Date(first + i * 1000).toISOString(),
        metadata: { tokens: i % 97, model: i % 3 ? 'small' : 'large' },
      };
    });
    await engine.usage.ingest(events);
  }
  await engine.usage.mergeStaged();
  await engine.close();
  copyFileSync(`${BASE}.part`, BASE);
  rmSync(`${BASE}.part`, { force: true });
  rmSync(`${BASE}.part-wal`, { force: true });
  rmSync(`${BASE}.part-shm`, { force: true });
}

function workCopy(name) {
  const path = join(TMP, `usage-${name}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  copyFileSync(BASE, path);
  return path;
}

const batchOf = (customers, n = 1000) =>
  Array.from({ length: n }, (_, i) => ({
    event_id: eventId(),
    customer_id: customers[i % customers.length],
    event_name: 'api.call',
    timestamp: new Date(NOW - 1000).toISOString(),
    metadata: { tokens: i % 50, model: 'small' },
  }));

const results = {};
const t0 = performance.now();
await buildBase();
results.base_build_s = Math.round(performance.now() - t0) / 1000;

// 1. Engine-level ingest vs the raw floor, same rows, same file.
{
  const opened = openDatabase({ path: workCopy('ingest') });
  const engine = await createEngine({ db: opened.db, clock: new FrozenClock(new Date(NOW).toISOString()) });
  const customers = (await opened.db.selectFrom('customers').select('customer_id').execute()).map((r) => r.customer_id);
  const batches = Array.from({ length: Number(flags.batches) }, () => batchOf(customers));
  // Warm-up: 10 batches bring the idempotency index into the page cache, as on a server already ingesting
  // (from a cold copy of the file the first batches read it from disk: ~50 ms a batch instead of ~2).
  for (let i = 0; i < 10; i++) await engine.usage.ingest(batchOf(customers));
  const generation = () => opened.sqlite.prepare('SELECT generation FROM usage_staging_state').pluck().get();
  const mergesBefore = generation();
  let t = performance.now();
  for (const b of batches) await engine.usage.ingest(b);
  const engineMs = performance.now() - t;
  // The measured window includes the bulk merges its events caused (one per 100,000 staged by default).
  results.engine_ingest_merges_included = generation() - mergesBefore;
  opened.sqlite.exec(
    'CREATE TABLE floor_events (event_id TEXT, business_id TEXT, customer_id TEXT, event_name TEXT, timestamp INTEGER, metadata TEXT)',
  );
  const floor = opened.sqlite.prepare('INSERT INTO floor_events VALUES (?, ?, ?, ?, ?, ?)');
  const rows = Array.from({ length: Number(flags.batches) }, () =>
    batchOf(customers).map((e) => [e.event_id, 'bus', e.customer_id, e.event_name, Date.parse(e.timestamp), JSON.stringify(e.metadata)]),
  );
  t = performance.now();
  for (const b of rows)
    opened.sqlite.transaction(() => {
      for (const r of b) floor.run(...r);
    })();
  const floorMs = performance.now() - t;
  const events = Number(flags.batches) * 1000;
  results.engine_ingest_events_per_s = Math.round(events / (engineMs / 1000));
  results.raw_floor_events_per_s = Math.round(events / (floorMs / 1000));
  results.engine_vs_floor_ratio = Math.round((floorMs / engineMs) * 1000) / 1000;

  // 3. One customer's meter total for a period (sum of tokens with a filter, and a plain count).
  const sum = await engine.meters.create({
    name: 'Tokens',
    event_name: 'api.call',
    measurement_unit: 'tokens',
    aggregation: { type: 'sum', key: 'tokens' },
    filter: { conjunction: 'and', clauses: [{ key: 'model', operator: 'equals', value: 'small' }] },
  });
  const count = await engine.meters.create({ name: 'Calls', event_name: 'api.call', measurement_unit: 'calls', aggregation: { type: 'count' } });
  const start = new Date(NOW - 30 * 86_400_000).toISOString();
  const end = new Date(NOW + 86_400_000).toISOString();
  // Baseline in the same run: one row by primary key straight from better-sqlite3 (no engine, no Kysely).
  const byKey = opened.sqlite.prepare('SELECT * FROM customers WHERE customer_id = ?');
  const keyTimes = [];
  for (let i = 0; i < 3000; i++) {
    const s = performance.now();
    byKey.get(customers[i % customers.length]);
    keyTimes.push(performance.now() - s);
  }
  results.raw_pk_read_median_ms = Math.round(median(keyTimes.slice(500)) * 10000) / 10000;
  for (const [name, meter] of [
    ['sum_filtered', sum],
    ['count', count],
  ]) {
    const times = [];
    for (let i = 0; i < 300; i++) {
      const c = customers[i % customers.length];
      const s = performance.now();
      await engine.usage.meterTotal(c, meter.meter_id, start, end);
      times.push(performance.now() - s);
    }
    results[`meter_total_${name}_median_ms`] = Math.round(median(times.slice(50)) * 1000) / 1000;
    results[`meter_total_${name}_vs_raw_pk_read`] = Math.round(median(times.slice(50)) / results.raw_pk_read_median_ms);
  }
  await engine.close();
}

// 2. Through the MCP tool over stdio (real clock: timestamps are now).
{
  const path = workCopy('stdio');
  const transport = new StdioClientTransport({ command: process.execPath, args: [join(DIST, 'cli.js'), '--db', path], cwd: REPO, stderr: 'pipe' });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  const opened = openDatabase({ path, readonly: true });
  const customers = (await opened.db.selectFrom('customers').select('customer_id').execute()).map((r) => r.customer_id);
  await opened.close();
  const fresh = () => batchOf(customers).map((e) => ({ ...e, timestamp: new Date().toISOString() }));
  for (let i = 0; i < 10; i++) await client.callTool({ name: 'ingest_usage_events', arguments: { events: fresh() } });
  const batches = Array.from({ length: Number(flags.batches) }, fresh);
  const t = performance.now();
  for (const events of batches) {
    const r = await client.callTool({ name: 'ingest_usage_events', arguments: { events } });
    if (r.isError) throw new Error(JSON.stringify(r.content));
  }
  results.stdio_ingest_events_per_s = Math.round((Number(flags.batches) * 1000) / ((performance.now() - t) / 1000));
  results.stdio_vs_floor_ratio = Math.round((results.stdio_ingest_events_per_s / results.raw_floor_events_per_s) * 1000) / 1000;
  await client.close();
}

// 4. Renewing N usage subscriptions (each with usage in its closing period).
{
  const n = Number(flags.subscriptions);
  const path = join(TMP, 'usage-renewals.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const clock = new FrozenClock('2025-04-01T00:00:00.000Z');
  const opened = openDatabase({ path });
  const engine = await createEngine({ db: opened.db, clock });
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
  const t1 = performance.now();
  const customers = [];
  for (let i = 0; i < n; i++) {
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
    customers.push(customer.customer_id);
  }
  results.renewal_setup_s = Math.round(performance.now() - t1) / 1000;
  clock.set?.('2025-04-30T23:30:00.000Z');
  if (!clock.set) clock.advance(Date.parse('2025-04-30T23:30:00.000Z') - Date.parse('2025-04-01T00:00:00.000Z'));
  for (let i = 0; i < n; i += 50)
    await engine.usage.ingest(
      customers
        .slice(i, i + 50)
        .flatMap((c, j) => Array.from({ length: 20 }, (_, k) => ({ event_id: `r-${i + j}-${k}`, customer_id: c, event_name: 'api.call' }))),
    );
  const t2 = performance.now();
  const done = await engine.dueWork.run(Date.parse('2025-05-01T00:00:00.000Z'));
  results.renewals = done.length;
  results.renewal_errors = done.filter((r) => r.error).length;
  results.renew_s = Math.round(performance.now() - t2) / 1000;
  results.renewal_amount_sample = done[0]?.amount;
  results.renew_ms_each = Math.round((results.renew_s * 1000 * 1000) / n) / 1000;
  // Each renewal's cost in raw no-index row inserts (part 1's floor, same run): machine-independent.
  results.renew_vs_floor_row_inserts = Math.round(results.renew_ms_each / (1000 / results.raw_floor_events_per_s));
  await engine.close();
}

results.total_s = Math.round(performance.now() - t0) / 1000;
console.log(JSON.stringify(results, null, 2));
