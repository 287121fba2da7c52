// Rule under test: the dispatcher's pipeline (SPEC §4 "a slow or dead endpoint never blocks other
// endpoints") at more than one batch of work — per-endpoint lanes, so a hanging endpoint's backlog larger
// than its senders does not hold up another endpoint's deliveries; the global and per-endpoint bounds on
// sends in flight; outcomes recorded in batches, so after a run every attempt is recorded exactly once with
// its number, and the messages' status matches. Sends go to a scripted sender on injected time: bounds are
// asserted as counters and the rounds of a hanging endpoint as exact injected instants.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { FrozenClock } from '../../../src/engine/clock.js';
import type { Database } from '../../../src/engine/db/schema.js';
import { sequentialIds } from '../../../src/engine/ids.js';
import { createEngine } from '../../../src/engine/index.js';
import { oneTime } from '../../support/checkout-fixtures.js';
import { buy } from '../../support/refund-fixtures.js';
import { createScriptedEngine, endpointFor, type ScriptedEngine, ScriptedSender, type Script } from '../../support/scripted-sender.js';
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

/** A verifying scripted receiver and its endpoint (every event type). */
async function verifying(engine: TestEngine, sender: ScriptedSender, script?: Script) {
  const r = sender.endpoint(script);
  const endpoint = await endpointFor(engine, r);
  return { r, endpoint };
}

async function purchases(engine: TestEngine, n: number): Promise<void> {
  const guide = await oneTime(engine, { price: 1900 });
  for (let i = 0; i < n; i++) await buy(engine, [[guide.product_id, 1]], { email: `b${i}@example.com` });
}

describe('dispatcher pipeline', () => {
  test('with no endpoint the cursor passes the events unread; an endpoint made later gets only later events', async () => {
    const { engine, sender } = await scripted();
    await purchases(engine, 3);
    const events = async () => (await engine.ctx.db.selectFrom('outbox_events').select('sequence').execute()).length;
    const before = await events();
    expect(await engine.webhookDispatcher.fanOut()).toBe(before);
    expect(await engine.webhookDispatcher.fanOut()).toBe(0);
    const cursor = await engine.ctx.db.selectFrom('webhook_dispatch_cursor').select('last_sequence').executeTakeFirstOrThrow();
    expect(cursor.last_sequence).toBe(before);

    const { r } = await verifying(engine, sender);
    await purchases(engine, 1);
    await engine.dueWork.run(engine.clock.now());
    const messages = await engine.ctx.db.selectFrom('webhook_messages').select('event_id').execute();
    expect(messages).toHaveLength((await events()) - before);
    expect(r.received).toHaveLength(messages.length);
  });

  test('a hanging endpoint with 40 queued (4 senders, 300 ms timeout) does not hold up another endpoint', async () => {
    const { engine, sender, time } = await scripted({ webhooks: { timeoutMs: 300, perEndpointConcurrency: 4 } });
    const dead = await verifying(engine, sender, () => 'hang');
    const alive = await verifying(engine, sender);
    await purchases(engine, 20);

    const t0 = time.now();
    await engine.dueWork.run(engine.clock.now());

    expect(alive.r.received).toHaveLength(40);
    expect(dead.r.received).toHaveLength(40);
    // The dead endpoint's 4 senders went in 10 rounds: each round sent when the one before timed out.
    expect(dead.r.maxInFlight).toBe(4);
    expect(dead.r.received.map((x) => x.wallAt - t0)).toEqual(Array.from({ length: 40 }, (_, i) => Math.floor(i / 4) * 300));
    // The live endpoint had every answer before the dead one's first timeout.
    const firstTimeout = Math.min(...dead.r.received.map((x) => x.answeredAt ?? Infinity));
    expect(firstTimeout - t0).toBe(300);
    expect(alive.r.received.every((x) => (x.answeredAt ?? Infinity) < firstTimeout)).toBe(true);
    expect(alive.r.problems).toEqual([]);
    const timedOut = await engine.webhooks.listDeliveries({ webhook_id: dead.endpoint.id, status: 'pending' }, { page_size: 100 });
    expect(timedOut.items).toHaveLength(40);
    expect(new Set(timedOut.items.map((d) => d.attempts.map((a) => [a.attempt, a.error]).join()))).toEqual(new Set(['1,timed out after 300 ms']));
  });

  test('concurrency bounds the sends in flight over all endpoints; perEndpointConcurrency those to each', async () => {
    const { engine, sender } = await scripted({ webhooks: { timeoutMs: 1000, concurrency: 5, perEndpointConcurrency: 2 } });
    const hanging = [
      await verifying(engine, sender, () => 'hang'),
      await verifying(engine, sender, () => 'hang'),
      await verifying(engine, sender, () => 'hang'),
    ];
    await purchases(engine, 5);
    await engine.dueWork.run(engine.clock.now());

    // 3 endpoints × 2 senders would be 6; the pool lets 5 through at a time.
    expect(sender.maxInFlight).toBe(5);
    expect(hanging.map(({ r }) => r.maxInFlight)).toEqual([2, 2, 2]);
    expect(hanging.map(({ r }) => r.received.length)).toEqual([10, 10, 10]);
    expect(sender.inFlight).toBe(0);
  });

  test('batched recording: 60 purchases × 2 endpoints, each attempt recorded once, numbered, with its message completed', async () => {
    const { engine, sender } = await scripted();
    const a = await verifying(engine, sender);
    const b = await verifying(engine, sender, (n) => (n < 120 && n % 3 === 0 ? 500 : 200));
    await purchases(engine, 60);
    await engine.dueWork.run(engine.clock.now());

    expect(a.r.received).toHaveLength(120);
    expect(b.r.received).toHaveLength(120);
    expect([...a.r.problems, ...b.r.problems]).toEqual([]);
    const db = engine.ctx.db;
    const attempts = await db.selectFrom('webhook_attempts').select(['message_id', 'attempt', 'succeeded', 'next_attempt_at']).execute();
    expect(attempts).toHaveLength(240);
    expect(new Set(attempts.map((x) => x.message_id)).size).toBe(240);
    expect(attempts.every((x) => x.attempt === 1)).toBe(true);
    const messages = await db
      .selectFrom('webhook_messages')
      .select(['message_id', 'webhook_id', 'status', 'scheduled_attempts', 'next_attempt_at', 'body'])
      .execute();
    expect(messages).toHaveLength(240);
    for (const m of messages) {
      const attempt = attempts.find((x) => x.message_id === m.message_id);
      expect(m.scheduled_attempts).toBe(1);
      expect(m.body).not.toBeNull();
      if (attempt?.succeeded === 1) expect([m.status, m.next_attempt_at]).toEqual(['succeeded', null]);
      else expect([m.status, m.next_attempt_at, attempt?.next_attempt_at]).toEqual(['pending', engine.clock.now() + 5000, engine.clock.now() + 5000]);
    }
    // The failed third of b's are retried 5 s later under the same webhook-ids, and all succeed.
    const failedIds = new Set(messages.filter((m) => m.status === 'pending').map((m) => m.message_id));
    expect(failedIds.size).toBe(40);
    engine.clock.advance(5000);
    await engine.dueWork.run(engine.clock.now());
    expect(new Set(b.r.received.slice(120).map((x) => x.id))).toEqual(failedIds);
    expect(await engine.webhooks.listDeliveries({ status: 'pending' })).toMatchObject({ items: [] });
  });

  test('the portable path (a Kysely database without the raw SQLite connection) records the same way', async () => {
    const clock = new FrozenClock('2025-04-01T00:00:00.000Z');
    const sender = new ScriptedSender(new VirtualTime());
    sender.bind(clock);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    const engine = Object.assign(await createEngine({ db, clock, ids: sequentialIds(), webhooks: sender.options() }), { clock });
    cleanups.push(() => engine.close());
    const { r } = await verifying(engine, sender, (n) => (n === 0 ? 503 : 200));
    await purchases(engine, 2);
    await engine.dueWork.run(clock.now());
    clock.advance(5000);
    await engine.dueWork.run(clock.now());
    expect(r.received).toHaveLength(5);
    expect(r.problems).toEqual([]);
    const deliveries = (await engine.webhooks.listDeliveries({}, { page_size: 100 })).items;
    expect(deliveries.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const retried = deliveries.find((d) => d.attempt_count === 2);
    expect(retried?.attempts.map((a) => [a.attempt, a.status_code, a.next_attempt_at])).toEqual([
      [1, 503, '2025-04-01T00:00:05.000Z'],
      [2, 200, null],
    ]);
    expect(retried?.payload).toMatchObject({ type: retried?.event_type, data: { payload_type: 'Payment' } });
  });
});
