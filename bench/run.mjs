// npm run bench [-- --iterations N --warmup N --cold-runs N --webhook-events N --cpu-prof]
// Measures, in one run, tool-call latency (get_product against the noop and product_echo baselines, over
// stdio and Streamable HTTP), cold start (against a bare node process) and tools/list (size, latency against
// the noop and against a per-request-conversion control, identical answers); prints a table and writes
// bench/results/latest.json. Exit status 1 means a check failed, not that a target was missed.
import { deepStrictEqual } from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadBenchTools } from './bench-tools.mjs';
import { LICENSE_TARGETS, benchValidateHttp, benchValidateStdio, licensedDatabase } from './licenses.mjs';
import { COLD_START_TARGET_RATIO, measureColdStart } from './cold-start.mjs';
import { WEBHOOK_TARGET_RATIO, benchWebhooks } from './webhooks.mjs';
import { fromDist, snapshotDist } from './dist.mjs';
import { formatReport } from './report.mjs';
import { machine, ratio, round, roundStats, summarize } from './stats.mjs';
import { benchCases, connectHttp, connectStdio, listTools, timeCases } from './tool-calls.mjs';

const TARGETS = {
  callRatio: 1.3,
  coldStartMs: 500,
  // tools/list − noop on the real server, over the same on a control server that converts every schema per
  // request: both pay for serialising the list, only the control pays for conversion, so a catalog computed
  // once stays well under the control and a per-request one matches it.
  listOverheadVsControl: 0.5,
};

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    iterations: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    'cold-runs': { type: 'string', default: '10' },
    // 3,000 events × 3 endpoints keeps the whole run within a few minutes; the figure is 10,000
    // (--webhook-events 10000, or node bench/webhooks.mjs).
    'webhook-events': { type: 'string', default: '3000' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const config = {
  iterations: Number(flags.iterations),
  warmup: Number(flags.warmup),
  coldRuns: Number(flags['cold-runs']),
  webhookEvents: Number(flags['webhook-events']),
  controlIterations: Math.max(50, Math.round(Number(flags.iterations) / 20)),
  cpuProf: flags['cpu-prof'],
};
const nodeFlags = config.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', join(RESULTS_DIR, 'profiles')] : [];

/** A database with the demo catalog, and the id of a real product to read (a plan with an addon). */
async function seededDatabase(dist, path) {
  const [{ openDatabase }, { createEngine }, { seedDemoCatalog }] = await Promise.all(
    ['engine/db/database.js', 'engine/index.js', 'demo.js'].map((module) => fromDist(dist, module)),
  );
  const engine = await createEngine({ db: openDatabase({ path }).db });
  await seedDemoCatalog(engine);
  const page = await engine.products.list({}, { page_size: 100 });
  const product = page.items.find((p) => p.name === 'Pro Monthly') ?? page.items[0];
  await engine.close();
  if (!product) throw new Error('the demo catalog added no products');
  return product.product_id;
}

function timeSync(fn, { warmup, runs }) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

async function benchSession(label, session, productId) {
  try {
    await session.client.listTools();
    const first = await listTools(session.client);
    const second = await listTools(session.client);
    deepStrictEqual(second, first, `${label}: two tools/list answers differ`);
    const product = await session.client.callTool({ name: 'get_product', arguments: { product_id: productId } });
    if (product.isError || product.structuredContent?.product_id !== productId) {
      throw new Error(`${label}: get_product did not return ${productId}: ${JSON.stringify(product.content)}`);
    }
    const noop = await session.client.callTool({ name: 'noop', arguments: {} });
    deepStrictEqual(noop.structuredContent, {}, `${label}: noop returned something`);
    const echo = await session.client.callTool({ name: 'product_echo', arguments: {} });
    deepStrictEqual(echo.content, product.content, `${label}: product_echo does not return what get_product returns`);
    const stats = await timeCases(benchCases(session.client, productId), config);
    return { stats, list: first };
  } catch (error) {
    error.message += `\n--- ${label} server stderr ---\n${session.stderr()}`;
    throw error;
  } finally {
    await session.close();
  }
}

function callSummary(stats) {
  const get = stats.get_product;
  const noop = stats.noop;
  const echo = stats.product_echo;
  const list = stats['tools/list'];
  return {
    get_product: roundStats(get),
    noop: roundStats(noop),
    product_echo: roundStats(echo),
    tools_list: roundStats(list),
    // Medians: get_product = noop + result size (product_echo − noop) + engine read (get_product − product_echo).
    split: { resultSizeMs: round(echo.median - noop.median), engineMs: round(get.median - echo.median) },
    echoRatio: { median: ratio(echo.median, noop.median), p99: ratio(echo.p99, noop.p99) },
    ratio: { median: ratio(get.median, noop.median), p99: ratio(get.p99, noop.p99) },
    listRatio: { median: ratio(list.median, noop.median), p99: ratio(list.p99, noop.p99) },
    listOverheadMs: round(list.median - noop.median),
  };
}

/** The control session: the same bench server, answering tools/list by converting the schemas per request. */
async function listControl(sessionOptions) {
  const session = await connectStdio({ ...sessionOptions, serverFlags: ['--list-per-request'] });
  try {
    const cases = benchCases(session.client, '')
      .filter((c) => c.name === 'noop' || c.name === 'tools/list')
      .map(({ every: _every, ...c }) => c);
    const stats = await timeCases(cases, { warmup: 20, iterations: config.controlIterations });
    return {
      iterations: config.controlIterations,
      noop: roundStats(stats.noop),
      tools_list: roundStats(stats['tools/list']),
      listOverheadMs: round(stats['tools/list'].median - stats.noop.median),
    };
  } finally {
    await session.close();
  }
}

function targets(result) {
  const rows = [];
  for (const transport of ['stdio', 'http']) {
    const call = result.toolCall[transport];
    rows.push({
      name: `get_product / noop median, ${transport}`,
      target: `≤ ${TARGETS.callRatio}x`,
      value: `${call.ratio.median}x`,
      pass: call.ratio.median <= TARGETS.callRatio,
    });
  }
  for (const kind of ['freshDb', 'existingDb']) {
    const value = result.coldStart[kind].median;
    rows.push({
      name: `cold start to tools/list, ${kind === 'freshDb' ? 'fresh' : 'existing'} db (median)`,
      target: `< ${TARGETS.coldStartMs} ms`,
      value: `${round(value, 1)} ms`,
      pass: value < TARGETS.coldStartMs,
    });
  }
  for (const kind of ['freshDb', 'existingDb']) {
    const { ratio: value } = result.coldStart[kind];
    rows.push({
      name: `cold start to tools/list vs bare node, ${kind === 'freshDb' ? 'fresh' : 'existing'} db (median ratio)`,
      target: `≤ ${COLD_START_TARGET_RATIO}x`,
      value: `${value}x`,
      pass: value <= COLD_START_TARGET_RATIO,
    });
  }
  const control = result.toolsList.perRequestControl.listOverheadMs;
  const overhead = result.toolCall.stdio.listOverheadMs;
  rows.push({
    name: 'tools/list − noop, stdio, vs per-request control',
    target: `≤ ${TARGETS.listOverheadVsControl}x of ${control} ms`,
    value: `${overhead} ms (${ratio(overhead, control)}x)`,
    pass: overhead <= TARGETS.listOverheadVsControl * control,
  });
  rows.push({ name: 'tools/list answers identical', target: 'deep-equal', value: 'yes', pass: true });
  const validate = result.licenses.validateStdio.ratio.median;
  rows.push({
    name: 'validate_license / noop median, stdio',
    target: `≤ ${LICENSE_TARGETS.validateRatio}x`,
    value: `${validate}x`,
    pass: validate <= LICENSE_TARGETS.validateRatio,
  });
  const { licensesRps, bareRps, share, clients } = result.licenses.validateHttp;
  rows.push({
    name: `POST /licenses/validate req/s vs bare node:http (${clients} keep-alive clients)`,
    target: `≥ ${LICENSE_TARGETS.httpThroughputShare * 100} %`,
    value: `${licensesRps} vs ${bareRps} (${round(share * 100, 1)} %)`,
    pass: share >= LICENSE_TARGETS.httpThroughputShare,
  });
  const hooks = result.webhooks;
  rows.push({
    name: `webhook deliveries/s, signed + recorded vs plain POSTs (${hooks.events} events × ${hooks.endpoints} endpoints)`,
    target: `≥ ${WEBHOOK_TARGET_RATIO}x`,
    value: `${hooks.signed_per_sec} vs ${hooks.plain_per_sec} (${hooks.ratio}x)`,
    pass: hooks.ratio >= WEBHOOK_TARGET_RATIO && hooks.succeeded === hooks.deliveries,
  });
  return rows;
}

async function main() {
  const started = performance.now();
  const host = machine();
  const build = await snapshotDist();
  const { dist } = build;
  const tmp = mkdtempSync(join(tmpdir(), 'billing-mcp-bench-'));
  try {
    const [{ buildToolCatalog }, { PACKAGE_VERSION }] = await Promise.all([fromDist(dist, 'tools/catalog.js'), fromDist(dist, 'version.js')]);
    const benchTools = await loadBenchTools(dist);
    const productId = await seededDatabase(dist, join(tmp, 'seeded.db'));
    const sessionOptions = { dist, db: join(tmp, 'seeded.db'), productId, nodeFlags };

    process.stderr.write(`bench: tool calls over stdio (${config.warmup} warm-up + ${config.iterations} each)…\n`);
    const stdio = await benchSession('stdio', await connectStdio(sessionOptions), productId);
    process.stderr.write('bench: tool calls over Streamable HTTP…\n');
    const http = await benchSession('http', await connectHttp(sessionOptions), productId);
    deepStrictEqual(http.list, stdio.list, 'tools/list over HTTP differs from tools/list over stdio');

    process.stderr.write('bench: licenses — validate_license over stdio, POST /licenses/validate throughput…\n');
    const licensed = await licensedDatabase(dist, join(tmp, 'licensed.db'));
    const licenseOptions = { dist, db: join(tmp, 'licensed.db'), nodeFlags, ...licensed };
    const licenses = {
      validateStdio: await benchValidateStdio({ ...licenseOptions, config }),
      validateHttp: await benchValidateHttp(licenseOptions),
    };

    process.stderr.write(`bench: webhooks — ${config.webhookEvents} events × 3 endpoints, signed deliveries vs plain POSTs…\n`);
    const webhooks = await benchWebhooks(dist, { events: config.webhookEvents });

    process.stderr.write(`bench: cold start (${config.coldRuns} runs each)…\n`);
    const cold = await measureColdStart(tmp, dist, config.coldRuns);

    // What one tools/list would cost if the catalog were converted per request (zod → JSON Schema).
    const conversionMs = timeSync(() => buildToolCatalog(benchTools), { warmup: 5, runs: 50 });

    process.stderr.write(`bench: tools/list control, converted per request (${config.controlIterations} calls)…\n`);
    const control = await listControl(sessionOptions);
    const { cliList, ...coldStartResult } = cold;
    const result = {
      package: `billing-mcp ${PACKAGE_VERSION}`,
      date: new Date().toISOString(),
      machine: { ...host, loadavg1mAtEnd: round(loadavg()[0] ?? 0, 2) },
      config,
      productId,
      toolCall: { stdio: callSummary(stdio.stats), http: callSummary(http.stats) },
      licenses,
      webhooks,
      coldStart: coldStartResult,
      toolsList: {
        tools: cliList.tools.length,
        bytes: Buffer.byteLength(JSON.stringify(cliList)),
        benchServerTools: stdio.list.tools.length,
        identical: true,
        conversionMs: roundStats(conversionMs),
        perRequestControl: control,
      },
    };
    result.targets = targets(result);
    result.elapsedS = round((performance.now() - started) / 1000, 1);

    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${formatReport(result)}\n`);
    process.stdout.write(`\nJSON summary (also in bench/results/latest.json):\n${JSON.stringify(result)}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    build.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`bench: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
