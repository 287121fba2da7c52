// Webhook delivery throughput (issue 7): N outbox events (10,000 for the figure) × 3 endpoints
// delivered by the engine's dispatcher (fan-out, latest-state body, Standard Webhooks signing, one recorded
// attempt each) to a local receiver that answers at once, as a ratio to plain unsigned POSTs of the same
// bodies from the same process at the same concurrency, in the same run. The plain POSTs are timed before
// and after the dispatcher and averaged, so load that comes or goes during the run biases neither side.
// Target ≥ 0.8. Standalone: node bench/webhooks.mjs [--events N] (uses dist/); npm run bench runs a
// smaller count (--webhook-events, default 3,000).
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fromDist } from './dist.mjs';

export const WEBHOOK_EVENTS = 10_000;
const ENDPOINTS = 3;
const CONCURRENCY = 64;
export const WEBHOOK_TARGET_RATIO = 0.8;

async function startReceiver() {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count += 1;
      res.writeHead(200).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    count: () => count,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

/** Plain POSTs of `bodies` at CONCURRENCY, no signing, no database: the baseline. */
async function plainPosts(urls, bodies) {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      const response = await fetch(urls[i % urls.length], { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] });
      await response.arrayBuffer();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - started;
}

export async function benchWebhooks(dist, { events: EVENTS = WEBHOOK_EVENTS } = {}) {
  const [{ createEngine }, { openDatabase }, { FrozenClock }, { recordEvent }] = await Promise.all([
    fromDist(dist, 'engine/index.js'),
    fromDist(dist, 'engine/db/database.js'),
    fromDist(dist, 'engine/clock.js'),
    fromDist(dist, 'engine/events/outbox.js'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'billing-mcp-bench-webhooks-'));
  const receiver = await startReceiver();
  const clock = new FrozenClock('2025-04-01T00:00:00.000Z');
  const engine = await createEngine({
    db: openDatabase({ path: join(dir, 'bench.db') }).db,
    clock,
    webhooks: { concurrency: CONCURRENCY, perEndpointConcurrency: CONCURRENCY },
  });
  try {
    const urls = Array.from({ length: ENDPOINTS }, (_, i) => `${receiver.url}/hook-${i}`);
    for (const url of urls) await engine.webhooks.create({ url });
    // A payment-sized payload; object ids that no service knows, so each body is the event's own payload.
    const payload = (i) => ({
      payload_type: 'Payment',
      payment_id: `pay_bench_${i}`,
      status: 'succeeded',
      total_amount: 1900 + i,
      currency: 'USD',
      customer: { customer_id: 'cus_bench', email: 'bench@example.com', name: 'Bench' },
      metadata: { order: String(i) },
      created_at: '2025-04-01T00:00:00.000Z',
    });
    await engine.ctx.transaction(async (tx) => {
      for (let i = 0; i < EVENTS; i++) await recordEvent(tx, { type: 'payment.succeeded', objectId: null, payload: payload(i) });
    });
    const bodies = Array.from({ length: EVENTS * ENDPOINTS }, (_, i) =>
      JSON.stringify({
        business_id: engine.ctx.businessId,
        type: 'payment.succeeded',
        timestamp: '2025-04-01T00:00:00.000Z',
        data: payload(Math.floor(i / ENDPOINTS)),
      }),
    );
    await plainPosts(urls, bodies.slice(0, 2000)); // warm-up: connections, JIT
    const plainBeforeMs = await plainPosts(urls, bodies);
    const before = receiver.count();
    const started = performance.now();
    await engine.webhookDispatcher.runDue(clock.now());
    const signedMs = performance.now() - started;
    const delivered = receiver.count() - before;
    const plainAfterMs = await plainPosts(urls, bodies);
    const plainMs = (plainBeforeMs + plainAfterMs) / 2;
    const succeeded = await engine.ctx.db
      .selectFrom('webhook_messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'succeeded')
      .executeTakeFirst();
    const deliveries = EVENTS * ENDPOINTS;
    const signedPerSec = (deliveries / signedMs) * 1000;
    const plainPerSec = (deliveries / plainMs) * 1000;
    return {
      events: EVENTS,
      endpoints: ENDPOINTS,
      deliveries,
      delivered,
      succeeded: Number(succeeded?.n ?? 0),
      signed_per_sec: Math.round(signedPerSec),
      plain_per_sec: Math.round(plainPerSec),
      plain_per_sec_before_after: [Math.round((deliveries / plainBeforeMs) * 1000), Math.round((deliveries / plainAfterMs) * 1000)],
      ratio: Math.round((signedPerSec / plainPerSec) * 100) / 100,
      target: WEBHOOK_TARGET_RATIO,
    };
  } finally {
    await engine.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { events: { type: 'string', default: String(WEBHOOK_EVENTS) } } });
  const result = await benchWebhooks(fileURLToPath(new URL('../dist/', import.meta.url)), { events: Number(values.events) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
