// Rule under test: SPEC §4 delivery — every outbox event reaches each enabled endpoint whose filter matches,
// signed (Standard Webhooks, each request checked with Webhook.verify), with a stable webhook-id; failures
// retry on the engine clock (0, +5 s, +5 min, +30 min …, 8 attempts); a hanging receiver times out without
// holding up another endpoint; a rotated secret co-signs for 24 h; pending attempts survive a restart.
// Requests go to a scripted sender (no sockets); its timeouts and the dispatcher's real-time waits run on
// injected time, so every instant asserted here is exact. FetchWebhookSender has its own test over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { FrozenClock } from '../../../src/engine/clock.js';
import { openDatabase } from '../../../src/engine/db/database.js';
import { createEngine } from '../../../src/engine/index.js';
import { DEFAULT_DELIVERY_TIMEOUT_MS, MAX_ATTEMPTS } from '../../../src/engine/webhooks/retry-policy.js';
import { oneTime } from '../../support/checkout-fixtures.js';
import { buy } from '../../support/refund-fixtures.js';
import { createScriptedEngine, endpointFor, ScriptedSender, type ScriptedEngine } from '../../support/scripted-sender.js';
import type { TestEngine } from '../../support/test-engine.js';
import { VirtualTime } from '../../support/virtual-time.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function scripted(options: Parameters<typeof createScriptedEngine>[0] = {}): Promise<ScriptedEngine> {
  const made = await createScriptedEngine(options);
  cleanups.push(() => made.engine.close());
  return made;
}

/** Runs the due work where the clock stands: fans out new events and makes due attempts. */
const deliverNow = (engine: TestEngine) => engine.dueWork.run(engine.clock.now());

async function purchase(engine: TestEngine): Promise<void> {
  const guide = await oneTime(engine, { price: 1900 });
  await buy(engine, [[guide.product_id, 1]]);
}

describe('SPEC §4 delivery', () => {
  test('a purchase is delivered signed, with the SPEC payload, the custom headers and the latest state', async () => {
    const { engine, sender, time } = await scripted();
    const r = sender.endpoint();
    const endpoint = await endpointFor(engine, r);
    await engine.webhooks.updateHeaders(endpoint.id, { 'X-Api-Key': 'k-123' });
    const guide = await oneTime(engine, { name: 'Guide', price: 1900 });
    const payment = await buy(engine, [[guide.product_id, 1]]);
    const sentAt = time.now();
    await deliverNow(engine);

    expect(r.problems).toEqual([]);
    expect(r.types()).toEqual(['payment.processing', 'payment.succeeded']);
    const [processing, succeeded] = r.inEventOrder();
    expect(succeeded?.headers['x-api-key']).toBe('k-123');
    expect(succeeded?.headers['content-type']).toBe('application/json');
    // webhook-timestamp is the wall clock's (receivers compare it with theirs), not the engine clock's.
    expect(succeeded?.timestamp).toBe(String(Math.floor(sentAt / 1000)));
    expect(succeeded?.body).toMatchObject({
      business_id: engine.ctx.businessId,
      type: 'payment.succeeded',
      timestamp: '2025-04-01T00:00:00.000Z',
      data: { payload_type: 'Payment', payment_id: payment.payment_id, status: 'succeeded', total_amount: 1900 },
    });
    // Latest state at delivery: the processing event's body already shows the succeeded payment.
    expect(processing?.body.data).toMatchObject({ payload_type: 'Payment', status: 'succeeded' });
    const deliveries = await engine.webhooks.listDeliveries({ webhook_id: endpoint.id });
    expect(deliveries.items.map((d) => [d.event_type, d.status, d.attempt_count])).toEqual([
      ['payment.succeeded', 'succeeded', 1],
      ['payment.processing', 'succeeded', 1],
    ]);
    expect(deliveries.items[0]?.attempts[0]).toMatchObject({ attempt: 1, status_code: 200, error: null, succeeded: true, next_attempt_at: null });
    expect(r.received.map((x) => x.id).sort()).toEqual(deliveries.items.map((d) => d.message_id).sort());
  });

  test('three failures then a success: four attempts at 0, +5 s, +5 min, +30 min on the test clock, one webhook-id', async () => {
    const { engine, sender } = await scripted();
    const r = sender.endpoint((n) => (n < 3 ? 500 : 204));
    await endpointFor(engine, r, { filter_types: ['payment.succeeded'] });
    await purchase(engine);
    const t0 = engine.clock.now();
    await engine.testClock.advance({ by: { hours: 1 } });

    expect(r.problems).toEqual([]);
    expect(r.received.map((x) => (x.at - t0) / 1000)).toEqual([0, 5, 5 + 300, 5 + 300 + 1800]);
    expect(new Set(r.received.map((x) => x.id)).size).toBe(1);
    const [delivery] = (await engine.webhooks.listDeliveries()).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 4, next_attempt_at: null });
    expect(delivery?.attempts.map((a) => [a.status_code, a.error, a.next_attempt_at])).toEqual([
      [500, 'HTTP 500', '2025-04-01T00:00:05.000Z'],
      [500, 'HTTP 500', '2025-04-01T00:05:05.000Z'],
      [500, 'HTTP 500', '2025-04-01T00:35:05.000Z'],
      [204, null, null],
    ]);
  });

  test('a receiver that always fails gets 8 attempts, then the delivery is failed; replay succeeds later', async () => {
    const { engine, sender } = await scripted();
    let up = false;
    const r = sender.endpoint(() => (up ? 200 : 503));
    await endpointFor(engine, r, { filter_types: ['payment.succeeded'] });
    await purchase(engine);
    await engine.testClock.advance({ by: { days: 2 } });
    const [delivery] = (await engine.webhooks.listDeliveries({ status: 'failed' })).items;
    expect(delivery).toMatchObject({ status: 'failed', attempt_count: MAX_ATTEMPTS, next_attempt_at: null });
    expect(r.received).toHaveLength(MAX_ATTEMPTS);
    // Total span: 5 s + 5 min + 30 min + 2 h + 5 h + 10 h + 10 h.
    expect(((r.received.at(-1)?.at ?? 0) - (r.received[0]?.at ?? 0)) / 1000).toBe(5 + 300 + 1800 + 7200 + 18000 + 36000 + 36000);
    up = true;
    const replayed = await engine.webhooks.retryDelivery(delivery?.message_id ?? '');
    expect(replayed).toMatchObject({ status: 'succeeded', attempt_count: MAX_ATTEMPTS });
    expect(replayed.attempts.at(-1)).toMatchObject({ trigger: 'manual', status_code: 200, succeeded: true });
    expect(new Set(r.received.map((x) => x.id)).size).toBe(1);
    expect(r.problems).toEqual([]);
  });

  test('a receiver that cannot be reached: the send fails with its error, no status, and is retried at +5 s', async () => {
    const { engine, sender } = await scripted();
    const r = sender.endpoint((n) => (n === 0 ? new Error('fetch failed: connect ECONNREFUSED 10.0.0.1:443') : 200));
    await endpointFor(engine, r, { filter_types: ['payment.succeeded'] });
    await purchase(engine);
    await engine.testClock.advance({ by: { minutes: 1 } });
    const [delivery] = (await engine.webhooks.listDeliveries()).items;
    expect(delivery?.attempts.map((a) => [a.status_code, a.error, a.succeeded, a.next_attempt_at])).toEqual([
      [null, 'fetch failed: connect ECONNREFUSED 10.0.0.1:443', false, '2025-04-01T00:00:05.000Z'],
      [200, null, true, null],
    ]);
    expect(r.problems).toEqual([]);
  });

  test('a hanging receiver times out without holding up another endpoint', async () => {
    // Manual time: nothing moves until the test advances it, so each step can be looked at.
    const { engine, sender, time } = await scripted({ auto: false, webhooks: { timeoutMs: 400 } });
    const slow = sender.endpoint(() => 'hang');
    const fast = sender.endpoint();
    const slowEndpoint = await endpointFor(engine, slow, { filter_types: ['payment.succeeded'] });
    const fastEndpoint = await endpointFor(engine, fast, { filter_types: ['payment.succeeded'] });
    await purchase(engine);
    const t0 = time.now();
    const run = deliverNow(engine);
    await sender.sent(2);

    // Both were sent at once; the fast endpoint has its answer while the slow one hangs.
    expect([fast.received[0]?.wallAt, slow.received[0]?.wallAt]).toEqual([t0, t0]);
    expect(fast.received[0]?.response).toMatchObject({ status_code: 200, error: null });
    expect(slow.inFlight).toBe(1);
    // The recorder gathers outcomes for up to 200 ms while a send is in flight, then writes the fast one's.
    await time.advance(200);
    const statusOf = async (webhook_id: string) =>
      (await engine.webhooks.listDeliveries({ webhook_id })).items.map((d) => [d.status, d.attempts.length]);
    expect(await statusOf(fastEndpoint.id)).toEqual([['succeeded', 1]]);
    expect(await statusOf(slowEndpoint.id)).toEqual([['pending', 0]]);
    expect(slow.inFlight).toBe(1);

    await time.advance(200);
    await run;
    expect(slow.received[0]).toMatchObject({ answeredAt: t0 + 400, response: { status_code: null, error: 'timed out after 400 ms' } });
    const [timedOut] = (await engine.webhooks.listDeliveries({ webhook_id: slowEndpoint.id })).items;
    expect(timedOut?.attempts).toMatchObject([
      { status_code: null, error: 'timed out after 400 ms', latency_ms: 400, next_attempt_at: '2025-04-01T00:00:05.000Z' },
    ]);
    expect(fast.problems).toEqual([]);
  });

  test('an answer the test releases: its status and the time it took are recorded', async () => {
    const { engine, sender, time } = await scripted({ auto: false });
    const r = sender.endpoint(() => 'hang');
    await endpointFor(engine, r, { filter_types: ['payment.succeeded'] });
    await purchase(engine);
    const run = deliverNow(engine);
    await sender.sent(1);
    await time.advance(250);
    r.release(204);
    await run;
    const [delivery] = (await engine.webhooks.listDeliveries()).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 1 });
    expect(delivery?.attempts).toMatchObject([{ status_code: 204, error: null, succeeded: true, latency_ms: 250 }]);
    expect(r.received[0]?.timeoutMs).toBe(DEFAULT_DELIVERY_TIMEOUT_MS);
  });

  test('the default timeout is 15 s', () => {
    expect(DEFAULT_DELIVERY_TIMEOUT_MS).toBe(15_000);
  });

  test('rotation: both secrets sign for 24 h (two v1 signatures), then only the new one', async () => {
    const { engine, sender } = await scripted();
    const r = sender.endpoint();
    const endpoint = await endpointFor(engine, r, { filter_types: ['payment.succeeded'] });
    const old = (await engine.webhooks.getSecret(endpoint.id)).secret;
    const rotated = await engine.webhooks.rotateSecret(endpoint.id);
    expect(rotated.secret).not.toBe(old);
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.previous_secret_expires_at).toBe('2025-04-02T00:00:00.000Z');
    r.verifyWith = [old, rotated.secret];
    const guide = await oneTime(engine, { price: 1900 });
    await buy(engine, [[guide.product_id, 1]]);
    await deliverNow(engine);
    expect(r.received[0]?.signature.split(' ')).toHaveLength(2);

    await engine.testClock.advance({ by: { hours: 24 } });
    r.verifyWith = [rotated.secret];
    r.mustNotVerify = [old];
    await buy(engine, [[guide.product_id, 1]]);
    await deliverNow(engine);
    expect(r.received).toHaveLength(2);
    expect(r.received[1]?.signature.split(' ')).toHaveLength(1);
    expect(r.problems).toEqual([]);
    expect((await engine.webhooks.getSecret(endpoint.id)).previous_secret_expires_at).toBeNull();
  });

  test('filter_types and disabled endpoints: each endpoint receives only its types; a disabled one nothing', async () => {
    const { engine, sender } = await scripted();
    const all = sender.endpoint();
    const onlySucceeded = sender.endpoint();
    const off = sender.endpoint();
    await endpointFor(engine, all);
    await endpointFor(engine, onlySucceeded, { filter_types: ['payment.succeeded'] });
    await endpointFor(engine, off, { disabled: true });
    await purchase(engine);
    await deliverNow(engine);
    expect(all.types()).toEqual(['payment.processing', 'payment.succeeded']);
    expect(onlySucceeded.types()).toEqual(['payment.succeeded']);
    expect(off.received).toEqual([]);
    expect([...all.problems, ...onlySucceeded.problems]).toEqual([]);
  });

  test('an endpoint created after an event does not receive it', async () => {
    const { engine, sender } = await scripted();
    await purchase(engine);
    const r = sender.endpoint();
    await endpointFor(engine, r);
    await deliverNow(engine);
    expect(r.received).toEqual([]);
  });

  test('send_test_webhook sends once, is never retried, and reaches a disabled endpoint too', async () => {
    const { engine, sender } = await scripted();
    const r = sender.endpoint(() => 500);
    const endpoint = await endpointFor(engine, r, { disabled: true });
    const sent = await engine.webhooks.sendTest(endpoint.id, 'subscription.active');
    expect(sent).toMatchObject({ is_test: true, status: 'failed', next_attempt_at: null, event_type: 'subscription.active' });
    await engine.testClock.advance({ by: { days: 1 } });
    expect(r.received).toHaveLength(1);
    expect(r.received[0]?.body.data).toEqual({ payload_type: 'Subscription', test: true });
    expect(r.problems).toEqual([]);
  });

  test('a restart mid-retry: the pending attempt is delivered by the reopened engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-mcp-webhooks-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'billing.db');
    const clock = new FrozenClock('2025-04-01T00:00:00.000Z');
    const sender = new ScriptedSender(new VirtualTime());
    sender.bind(clock);
    const r = sender.endpoint((n) => (n === 0 ? 500 : 200));

    const first = await createEngine({ db: openDatabase({ path }).db, clock, webhooks: sender.options() });
    const endpoint = await first.webhooks.create({ url: r.url, filter_types: ['payment.succeeded'] });
    r.verifyWith = [(await first.webhooks.getSecret(endpoint.id)).secret];
    const guide = await oneTime(first, { price: 1900 });
    await buy(first, [[guide.product_id, 1]]);
    await first.dueWork.run(clock.now());
    expect(r.received).toHaveLength(1);
    await first.close();

    const second = await createEngine({ db: openDatabase({ path }).db, clock, webhooks: sender.options() });
    cleanups.push(() => second.close());
    clock.advance(5000);
    await second.dueWork.run(clock.now());
    expect(r.received).toHaveLength(2);
    expect(r.received[1]?.id).toBe(r.received[0]?.id);
    const [delivery] = (await second.webhooks.listDeliveries()).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    expect(r.problems).toEqual([]);
  });

  test('secrets never appear in get or list results', async () => {
    const { engine } = await scripted();
    const endpoint = await engine.webhooks.create({ url: 'https://example.com/hooks' });
    const { secret } = await engine.webhooks.getSecret(endpoint.id);
    const shown = JSON.stringify([endpoint, await engine.webhooks.get(endpoint.id), await engine.webhooks.list()]);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain('whsec_');
  });
});
