// License benchmarks (issue 6), run by bench/run.mjs in the same run as everything else:
//  1. validate_license over stdio against the no-op tool, the same interleaved timing as get_product
//     (target: median ≤ 1.3x);
//  2. POST /licenses/validate on the real CLI (dist/cli.js --transport http, rate limit off) against a bare
//     node:http server answering a constant {"valid":true}: requests/s with N concurrent keep-alive
//     clients, the same node:http client and agent settings for both, alternating A/B rounds
//     (target: ≥ 80 % of the bare server).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fromDist } from './dist.mjs';
import { ratio, round, roundStats } from './stats.mjs';
import { connectStdio, timeCases } from './tool-calls.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export const LICENSE_TARGETS = { validateRatio: 1.3, httpThroughputShare: 0.8 };

/** The demo catalog's licensed app bought once with 4242…: a database holding one active key. */
export async function licensedDatabase(dist, path) {
  const [{ openDatabase }, { createEngine }, { seedDemoCatalog }] = await Promise.all(
    ['engine/db/database.js', 'engine/index.js', 'demo.js'].map((module) => fromDist(dist, module)),
  );
  const engine = await createEngine({ db: openDatabase({ path }).db });
  await seedDemoCatalog(engine);
  const products = await engine.products.list({}, { page_size: 100 });
  const app = products.items.find((p) => p.license_key_enabled && p.price.type === 'one_time_price');
  if (!app) throw new Error('the demo catalog has no one-time licensed product');
  const customer = await engine.customers.create({ email: 'bench@example.com', name: 'Bench' });
  const method = await engine.customers.createPaymentMethod(customer.customer_id, {
    number: '4242424242424242',
    exp_month: 6,
    exp_year: 2032,
    cvc: '123',
  });
  await engine.payments.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_cart: [{ product_id: app.product_id, quantity: 1 }],
  });
  const [key] = (await engine.licenses.list({ customer_id: customer.customer_id })).items;
  await engine.close();
  if (!key) throw new Error('buying the licensed app issued no key');
  return { productId: app.product_id, licenseKey: key.key };
}

/** validate_license vs noop over stdio, interleaved as the other tool-call cases are. */
export async function benchValidateStdio({ dist, db, productId, licenseKey, nodeFlags, config }) {
  const session = await connectStdio({ dist, db, productId, nodeFlags });
  try {
    const call = async (name, args) => {
      const result = await session.client.callTool({ name, arguments: args });
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
      return result;
    };
    const first = await call('validate_license', { license_key: licenseKey });
    if (first.structuredContent?.valid !== true) throw new Error(`validate_license: the bench key is not valid: ${JSON.stringify(first.content)}`);
    const stats = await timeCases(
      [
        { name: 'validate_license', run: () => call('validate_license', { license_key: licenseKey }) },
        { name: 'noop', run: () => call('noop', {}) },
      ],
      config,
    );
    return {
      validate_license: roundStats(stats.validate_license),
      noop: roundStats(stats.noop),
      ratio: { median: ratio(stats.validate_license.median, stats.noop.median), p99: ratio(stats.validate_license.p99, stats.noop.p99) },
    };
  } catch (error) {
    error.message += `\n--- stdio server stderr ---\n${session.stderr()}`;
    throw error;
  } finally {
    await session.close();
  }
}

// The bare server: node:http, no framework, reads the body and answers a constant.
const BARE_SERVER = `
const { createServer } = require('node:http');
const body = JSON.stringify({ valid: true });
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }); res.end(body); });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port })));
process.on('SIGTERM', () => process.exit(0));
`;

async function spawnServer(args, waitFor) {
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const exited = once(child, 'exit');
  const lines = createInterface({ input: waitFor === 'stdout' ? child.stdout : child.stderr });
  child.stderr.on('data', (chunk) => (tail = (tail + chunk).slice(-4096)));
  child.stdout.on('data', () => {});
  const url = await Promise.race([
    (async () => {
      for await (const line of lines) {
        const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (match) return match[1];
      }
      throw new Error('server output ended before it listened');
    })(),
    exited.then(([code]) => {
      throw new Error(`server exited with ${code} before listening:\n${tail}`);
    }),
  ]);
  return {
    url,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** N clients, each sending its next POST when its last answer arrives, for `ms`; answers must be 200. */
async function throughput(url, body, { clients, ms }) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const target = new URL('/licenses/validate', url);
  const payload = Buffer.from(body);
  const post = () =>
    new Promise((resolve, reject) => {
      const req = request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${target} answered ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  // Warm the sockets and the JIT.
  for (let i = 0; i < 200; i++) await Promise.all(Array.from({ length: clients }, post));
  let done = 0;
  const deadline = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        await post();
        done++;
      }
    }),
  );
  const elapsed = performance.now() - start;
  agent.destroy();
  return done / (elapsed / 1000);
}

/** POST /licenses/validate on dist/cli.js vs the bare constant server: alternating rounds, the best round of each. */
export async function benchValidateHttp({ dist, db, licenseKey, clients = 16, roundMs = 2500, rounds = 2 }) {
  const cli = await spawnServer([`${dist}/cli.js`, '--transport', 'http', '--port', '0', '--db', db, '--license-rate-limit', '0'], 'stderr');
  const bare = await spawnServer(['-e', BARE_SERVER], 'stdout');
  try {
    const body = JSON.stringify({ license_key: licenseKey });
    const check = await fetch(`${cli.url}/licenses/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = await check.json();
    if (answer.valid !== true) throw new Error(`POST /licenses/validate: the bench key is not valid: ${JSON.stringify(answer)}`);
    const samples = { licenses: [], bare: [] };
    for (let r = 0; r < rounds; r++) {
      samples.bare.push(await throughput(bare.url, body, { clients, ms: roundMs }));
      samples.licenses.push(await throughput(cli.url, body, { clients, ms: roundMs }));
    }
    const best = (values) => Math.max(...values);
    const licensesRps = best(samples.licenses);
    const bareRps = best(samples.bare);
    return {
      clients,
      roundMs,
      rounds,
      licensesRps: round(licensesRps, 0),
      bareRps: round(bareRps, 0),
      share: round(licensesRps / bareRps, 3),
      samples: { licenses: samples.licenses.map((v) => round(v, 0)), bare: samples.bare.map((v) => round(v, 0)) },
    };
  } finally {
    await Promise.all([cli.close(), bare.close()]);
  }
}
