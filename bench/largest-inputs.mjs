// Every tool fed its largest valid input (issue 13 "No request may stall the server"): `node
// bench/largest-inputs.mjs` after `npm run build` (run by `npm run bench`). The built CLI serves HTTP on a
// database seeded in process with 5,000 products, a customer and a subscription; one client then calls
// each tool once with the biggest arguments its schema allows (arrays at maxItems, page_size 100; the
// heavy ones built by hand so they are valid: a collection of 50 groups × 100 products, 1,000 usage events,
// a 50-line cart and its 50-line refund, a 3-level meter filter of 20 clauses a level, a product with 10
// meters), while a second client calls get_product every 10 ms. It prints each call's time, the slowest,
// and the slowest get_product answered meanwhile. Target: every call under 0.5 s and get_product still
// answering. Bodies stay under the HTTP transport's 1 MB. Exit status 1 when a seeded call fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fromDist, snapshotDist } from './dist.mjs';
import { round } from './stats.mjs';

const TARGET_MS = 500;
const PRODUCTS = 5000;
const CARD = { number: '4242424242424242', exp_month: 6, exp_year: 2032, cvc: '123' };

async function seed(dist, db) {
  const { openDatabase } = await fromDist(dist, 'engine/db/database.js');
  const { createEngine } = await fromDist(dist, 'engine/index.js');
  const opened = openDatabase({ path: db });
  const engine = await createEngine({ db: opened.db });
  const products = [];
  for (let i = 0; i < PRODUCTS; i++) {
    products.push(
      (
        await engine.products.create({
          name: `Item ${i}`,
          tax_category: 'digital_products',
          price: { type: 'one_time_price', currency: 'USD', price: 100 },
        })
      ).product_id,
    );
  }
  const plan = await engine.products.create({
    name: 'Plan',
    tax_category: 'saas',
    price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
  });
  const meters = [];
  for (let i = 0; i < 10; i++)
    meters.push(
      (await engine.meters.create({ name: `Meter ${i}`, event_name: `event.${i}`, measurement_unit: 'units', aggregation: { type: 'count' } }))
        .meter_id,
    );
  const customer = await engine.customers.create({ email: 'largest@example.com', name: 'Largest' });
  await engine.close();
  return { products, plan: plan.product_id, meters, customer: customer.customer_id };
}

function startServer(dist, db) {
  const child = spawn(process.execPath, [join(dist, 'cli.js'), '--transport', 'http', '--port', '0', '--db', db], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) resolve({ url, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
}

async function connect(url) {
  const client = new Client({ name: 'largest-inputs', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  return client;
}

/** The biggest value a JSON Schema node allows, for the tools not built by hand (mostly refused, cheaply). */
function largest(schema, depth = 0) {
  const members = schema.anyOf ?? schema.oneOf;
  if (members) return largest(members.find((m) => m.type !== 'null') ?? members[0], depth);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return 'x'.repeat(Math.min(schema.maxLength ?? 100, 100));
    case 'integer':
    case 'number':
      return schema.maximum ?? 100;
    case 'boolean':
      return true;
    case 'array':
      return depth > 4 ? [] : Array.from({ length: Math.min(schema.maxItems ?? 10, 100) }, () => largest(schema.items ?? {}, depth + 1));
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, largest(property, depth + 1)]));
    default:
      return null;
  }
}

function filterOf(depth) {
  const condition = (i) => ({ key: `k${i}`, operator: 'equals', value: i });
  const clauses = Array.from({ length: 20 }, (_, i) => (depth > 1 && i === 0 ? filterOf(depth - 1) : condition(i)));
  return { conjunction: 'or', clauses };
}

async function main() {
  const build = await snapshotDist();
  const { dist } = build;
  const dir = mkdtempSync(join(tmpdir(), 'billing-mcp-largest-'));
  const db = join(dir, 'largest.db');
  const world = await seed(dist, db);
  const server = await startServer(dist, db);
  const caller = await connect(server.url);
  const prober = await connect(server.url);
  const { tools } = await caller.listTools();

  const cart = world.products.slice(0, 50).map((product_id) => ({ product_id, quantity: 10_000 }));
  const metadata = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'v'.repeat(60)]));
  const handmade = {
    create_product_collection: () => ({
      name: 'Everything',
      groups: Array.from({ length: 50 }, (_, g) => ({
        group_name: `Group ${g}`,
        products: world.products.slice(g * 100, g * 100 + 100).map((product_id) => ({ product_id })),
      })),
    }),
    ingest_usage_events: () => ({
      events: Array.from({ length: 1000 }, (_, i) => ({
        event_id: `evt-${i}-${Date.now()}`,
        customer_id: world.customer,
        event_name: 'event.0',
        metadata,
      })),
    }),
    create_checkout_session: () => ({ product_cart: cart, customer: { email: 'largest@example.com', name: 'Largest' } }),
    create_meter: () => ({ name: 'Filtered', event_name: 'event.f', measurement_unit: 'units', aggregation: { type: 'count' }, filter: filterOf(3) }),
    create_product: () => ({
      name: 'Usage',
      tax_category: 'saas',
      price: {
        type: 'usage_based_price',
        currency: 'USD',
        fixed_price: 0,
        payment_frequency_count: 1,
        payment_frequency_interval: 'Month',
        meters: world.meters.map((meter_id) => ({ meter_id, price_per_unit: '1.5', free_threshold: 100 })),
      },
    }),
  };
  const state = {};

  // get_product every 10 ms from another client: the slowest answer while each call runs.
  let probing = true;
  let worstProbe = 0;
  const probe = (async () => {
    while (probing) {
      const started = performance.now();
      await prober.callTool({ name: 'get_product', arguments: { product_id: world.products[0] } });
      worstProbe = Math.max(worstProbe, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();

  const rows = [];
  let seededFailures = 0;
  const ordered = [...tools].sort(
    (a, b) =>
      (a.name === 'complete_checkout_session' || a.name === 'create_refund' ? 1 : 0) -
      (b.name === 'complete_checkout_session' || b.name === 'create_refund' ? 1 : 0),
  );
  for (const tool of ordered) {
    let args;
    if (tool.name in handmade) args = handmade[tool.name]();
    else if (tool.name === 'complete_checkout_session' && state.session) args = { session_id: state.session, card: CARD };
    else if (tool.name === 'create_refund' && state.payment) args = { payment_id: state.payment, items: state.lines.map((item_id) => ({ item_id })) };
    else args = largest(tool.inputSchema);
    // A list's largest answer is a full page: its required fields (as drawn) and page_size 100, no filters.
    if ('page_size' in (tool.inputSchema.properties ?? {})) {
      const required = new Set(tool.inputSchema.required ?? []);
      args = { ...Object.fromEntries(Object.entries(args).filter(([name]) => required.has(name))), page_size: 100, page_number: 0 };
    }
    const body = JSON.stringify(args);
    worstProbe = 0;
    const started = performance.now();
    const result = await caller.callTool({ name: tool.name, arguments: args }, undefined, { timeout: 120_000 });
    const ms = performance.now() - started;
    const text = result.content?.[0]?.text ?? '';
    const handBuilt = tool.name in handmade || tool.name === 'complete_checkout_session' || tool.name === 'create_refund';
    if (handBuilt && result.isError) seededFailures += 1;
    if (tool.name === 'create_checkout_session' && !result.isError) state.session = result.structuredContent.session_id;
    if (tool.name === 'complete_checkout_session' && !result.isError) {
      state.payment = result.structuredContent.payment.payment_id;
      state.lines = result.structuredContent.payment.product_cart.map((line) => line.product_id);
    }
    rows.push({
      tool: tool.name,
      ms: round(ms, 1),
      bodyKb: round(body.length / 1024, 1),
      answerKb: round(text.length / 1024, 1),
      outcome: result.isError ? text.slice(0, 60) : 'ok',
      probeMs: round(worstProbe, 1),
      handBuilt,
    });
  }
  probing = false;
  await probe;

  rows.sort((a, b) => b.ms - a.ms);
  console.log('largest valid inputs, one call each (slowest first), with the slowest get_product from another client meanwhile');
  console.log(`${'tool'.padEnd(36)} ${'ms'.padStart(8)} ${'body KB'.padStart(8)} ${'answer KB'.padStart(9)} ${'probe ms'.padStart(8)}  outcome`);
  for (const r of rows)
    console.log(
      `${(r.tool + (r.handBuilt ? ' *' : '')).padEnd(36)} ${String(r.ms).padStart(8)} ${String(r.bodyKb).padStart(8)} ${String(r.answerKb).padStart(9)} ${String(r.probeMs).padStart(8)}  ${r.outcome}`,
    );
  const slowest = rows[0];
  const worst = Math.max(...rows.map((r) => r.probeMs));
  console.log(
    `* built by hand to be valid. Slowest: ${slowest?.tool} ${slowest?.ms} ms (target < ${TARGET_MS}: ${slowest && slowest.ms < TARGET_MS ? 'PASS' : 'MISS'}); slowest get_product meanwhile ${worst} ms; hand-built calls refused: ${seededFailures}`,
  );
  await caller.close();
  await prober.close();
  server.stop();
  rmSync(dir, { recursive: true, force: true });
  build.remove();
  if (seededFailures > 0) process.exitCode = 1;
}

await main();
