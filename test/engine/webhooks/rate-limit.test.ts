// Rule under test: an endpoint's rate_limit (SPEC §1.17, §4 "per-endpoint rate_limit throttles") — at most N
// sends per second to that endpoint, spaced 1000/N ms apart on the wall clock (the engine clock stands still
// under the test clock), while an unthrottled endpoint receiving the same events is not held up; every
// throttled delivery still arrives, signed, once. Plus the slot arithmetic of EndpointThrottle.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, test } from 'vitest';
import { EndpointThrottle } from '../../../src/engine/webhooks/throttle.js';
import { oneTime } from '../../support/checkout-fixtures.js';
import { buy } from '../../support/refund-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function verifying(engine: TestEngine, options: { rate_limit?: number } = {}) {
  const r = await WebhookReceiver.start(engine.clock);
  cleanups.push(() => r.close());
  const endpoint = await engine.webhooks.create({ url: r.url, ...options });
  r.verifyWith = [(await engine.webhooks.getSecret(endpoint.id)).secret];
  return { r, endpoint };
}

// A receiver in its own process: arrival times taken on an event loop the dispatcher does not share (an
// in-process receiver stamps requests late while the test process is busy, bunching them). GET /log returns
// what arrived: [{id, timestamp, signature, raw, at}] with `at` in epoch ms (fractional).
const CHILD_RECEIVER = `
const { createServer } = require('node:http');
const log = [];
const server = createServer((req, res) => {
  if (req.method === 'GET') { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(log)); return; }
  const at = performance.timeOrigin + performance.now();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    log.push({ id: req.headers['webhook-id'], timestamp: req.headers['webhook-timestamp'], signature: req.headers['webhook-signature'], raw: Buffer.concat(chunks).toString('utf8'), at });
    res.writeHead(200).end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

interface Logged {
  id: string;
  timestamp: string;
  signature: string;
  raw: string;
  at: number;
}

async function childReceiver(): Promise<{ url: string; log(): Promise<Logged[]> }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD_RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => {
    child.kill();
  });
  const [chunk] = (await once(child.stdout ?? child, 'data')) as [Buffer];
  const url = `http://127.0.0.1:${chunk.toString().trim()}`;
  return { url: `${url}/hooks`, log: async () => (await (await fetch(`${url}/log`)).json()) as Logged[] };
}

/** The most arrivals inside any window of `widthMs`. */
function busiestWindow(arrivals: readonly number[], widthMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] ?? 0) - (sorted[i] ?? 0) >= widthMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('rate_limit', () => {
  test('20/s: 30 POSTs 50 ms apart, at most 20 a second; an unthrottled endpoint is not held up', async () => {
    const engine = await createTestEngine();
    cleanups.push(() => engine.close());
    const outside = await childReceiver();
    const throttled = await engine.webhooks.create({ url: outside.url, rate_limit: 20 });
    const secret = (await engine.webhooks.getSecret(throttled.id)).secret;
    const free = await verifying(engine);
    const guide = await oneTime(engine, { price: 1900 });
    for (let i = 0; i < 15; i++) await buy(engine, [[guide.product_id, 1]], { email: `b${i}@example.com` });

    const started = performance.now();
    await engine.dueWork.run(engine.clock.now());
    const finished = performance.now();

    // Every delivery arrived once, signed, at both endpoints.
    expect(free.r.problems).toEqual([]);
    expect(free.r.received).toHaveLength(30);
    const logged = await outside.log();
    expect(new Set(logged.map((x) => x.id)).size).toBe(30);
    for (const x of logged) {
      expect(() => new Webhook(secret).verify(x.raw, { 'webhook-id': x.id, 'webhook-timestamp': x.timestamp, 'webhook-signature': x.signature })).not.toThrow();
    }
    const arrivals = logged.map((x) => x.at).sort((a, b) => a - b);
    const gaps = arrivals.slice(1).map((at, i) => at - (arrivals[i] ?? at));
    // The POSTs leave ≥ 50 ms apart (EndpointThrottle.gate); on the way a busy sender or a new connection can
    // shift one by some ms (more on a loaded machine), so the typical gap is 50 ms and a window 200 ms short of
    // a second holds ≤ 20; unthrottled, all 30 arrive within a few ms.
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0;
    expect(median).toBeGreaterThanOrEqual(45);
    expect(busiestWindow(arrivals, 800)).toBeLessThanOrEqual(20);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(29 * 50 - 50);
    expect(finished - started).toBeGreaterThanOrEqual(29 * 50);
    // The unthrottled endpoint is not held to the throttle: its 30 were in before the throttled 30th went
    // (epoch ms on both sides; the throttled schedule is fixed by the wall clock, whatever the machine's load).
    const freeLast = performance.timeOrigin + Math.max(...free.r.received.map((x) => x.arrivedMs));
    expect(freeLast).toBeLessThan(arrivals.at(-1) ?? 0);
    const deliveries = await engine.webhooks.listDeliveries({ webhook_id: throttled.id, status: 'succeeded' }, { page_size: 100 });
    expect(deliveries.items).toHaveLength(30);
  });

  test('changing rate_limit to null lifts the throttle', async () => {
    const engine = await createTestEngine();
    cleanups.push(() => engine.close());
    const { r, endpoint } = await verifying(engine, { rate_limit: 1 });
    expect(await engine.webhooks.update(endpoint.id, { rate_limit: null })).toMatchObject({ rate_limit: null });
    const guide = await oneTime(engine, { price: 1900 });
    for (let i = 0; i < 3; i++) await buy(engine, [[guide.product_id, 1]], { email: `b${i}@example.com` });
    const started = performance.now();
    await engine.dueWork.run(engine.clock.now());
    expect(r.received).toHaveLength(6);
    // At 1/s six sends would take 5 s.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('EndpointThrottle: slots 1000/N ms apart per endpoint, independent endpoints, no debt after idling', () => {
    const throttle = new EndpointThrottle();
    expect([0, 1, 2, 3].map(() => throttle.reserve('wh_a', 4, 10_000))).toEqual([0, 250, 500, 750]);
    expect(throttle.reserve('wh_b', 4, 10_000)).toBe(0);
    // 100 ms later the next free slot of wh_a is at 11_000.
    expect(throttle.reserve('wh_a', 4, 10_100)).toBe(900);
    // Idle for a minute: no backlog of slots, the next send goes at once.
    expect(throttle.reserve('wh_a', 4, 70_000)).toBe(0);
    expect(throttle.reserve('wh_a', 4, 70_000)).toBe(250);
  });
});
