// Rule under test (issue 12, SPEC D17): any number of server processes on one database are one engine.
// Each race of the issue runs here on one file with two or more real servers (the built CLI over stdio and
// HTTP, the SDK's own client): writes that wait for the write lock instead of failing, one test clock
// stored in the database and seen by every process before its next call, advances serialised across
// processes (the second starts where the first ended), usage stamped with the shared clock, and webhook
// attempts made by exactly one process.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FrozenClock } from '../../src/engine/clock.js';
import { tempDir } from '../support/cli-process.js';
import { textOf } from '../support/mcp-client.js';
import {
  APP,
  BASIC,
  billedUnitsByCustomer,
  buy,
  DAILY,
  errorCodeOf,
  httpServer,
  PRO,
  readInvariants,
  type Server,
  stdioServer,
  usagePlan,
} from '../support/shared-servers.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const DAY_MS = 86_400_000;

interface TestClockView {
  now: string;
  offset_ms: number;
}

interface Advanced {
  from: string;
  to: string;
  target: string;
  completed: boolean;
  processed: { subscription_id: string; at: string; kind: string; payment_id?: string; error?: string }[];
}

let dir: Awaited<ReturnType<typeof tempDir>>;
const live: Server[] = [];

async function start(kind: 'stdio' | 'http', name: string, db: string): Promise<Server> {
  const server = kind === 'stdio' ? await stdioServer(name, db) : await httpServer(name, db);
  live.push(server);
  return server;
}

beforeAll(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  for (const server of live.splice(0)) await server.close().catch(() => undefined);
});
afterAll(async () => {
  await dir?.remove();
});

describe('several servers on one database file (built CLI)', () => {
  test('three servers started at once on a new file: one creates its schema, all serve one business', async () => {
    const db = join(dir.path, 'new.db');
    const servers = await Promise.all(['A', 'B', 'C'].map((name, n) => start(n === 1 ? 'http' : 'stdio', name, db)));
    const created = await servers[0]!.ok<{ product_id: string }>('create_product', BASIC);
    for (const server of servers) {
      expect(await server.ok<{ product_id: string }>('get_product', { product_id: created.product_id })).toMatchObject({
        product_id: created.product_id,
      });
    }
    const file = new Database(db, { readonly: true });
    try {
      expect(file.prepare('SELECT count(*) FROM business_settings').pluck().get()).toBe(1);
      expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      file.close();
    }
  });

  test('two stdio servers racing ordinary writes: every call succeeds, and the money adds up', async () => {
    const db = join(dir.path, 'writes.db');
    const a = await start('stdio', 'A', db);
    const b = await start('stdio', 'B', db);
    const basic = await a.ok<{ product_id: string }>('create_product', BASIC);
    const pro = await a.ok<{ product_id: string }>('create_product', PRO);
    const app = await a.ok<{ product_id: string }>('create_product', APP);

    const failures: string[] = [];
    let calls = 0;
    const expectOk = async <T>(server: Server, tool: string, args: Record<string, unknown>): Promise<T> => {
      calls += 1;
      const result = await server.call(tool, args);
      if (result.isError) {
        failures.push(`${server.name} ${tool}: ${textOf(result)}`);
        throw new Error(textOf(result));
      }
      return result.structuredContent as T;
    };
    // Four workers on each server, each a customer's whole story: the tools the issue saw fail.
    const story = async (server: Server, worker: number) => {
      const email = `${server.name.toLowerCase()}${worker}-${randomUUID().slice(0, 8)}@example.com`;
      const plan = await buy(server, basic.product_id, email);
      const license = await buy(server, app.product_id, email);
      calls += 4;
      for (let round = 0; round < 3; round++) {
        await expectOk(server, 'create_wallet_ledger_entry', { customer_id: plan.customer_id, amount: 700, currency: 'USD', entry_type: 'credit' });
        await expectOk(server, 'create_wallet_ledger_entry', { customer_id: plan.customer_id, amount: 200, currency: 'USD', entry_type: 'debit' });
        const target = round % 2 === 0 ? pro.product_id : basic.product_id;
        await expectOk(server, 'change_subscription_plan', {
          subscription_id: plan.subscription_id,
          product_id: target,
          quantity: 1,
          proration_billing_mode: 'prorated_immediately',
        });
      }
      const keys = await expectOk<{ items: { key: string }[] }>(server, 'list_license_keys', { customer_id: license.customer_id });
      for (const [n, item] of keys.items.entries()) await expectOk(server, 'activate_license', { license_key: item.key, name: `laptop ${n}` });
      await expectOk(server, 'create_refund', { payment_id: license.payment_id, reason: 'race test' });
    };
    await Promise.all([a, b].flatMap((server) => [0, 1, 2, 3].map((worker) => story(server, worker).catch(() => undefined))));

    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(100);
    await a.close();
    await b.close();
    const invariants = readInvariants(db);
    expect(invariants.integrity).toBe('ok');
    expect(invariants.walletsOffLedger).toEqual([]);
    expect(invariants.refundsAbovePayment).toEqual([]);
  });

  test('one test clock: an advance by B is seen by A at its next call, and a restart keeps it, not the sum of both', async () => {
    const db = join(dir.path, 'clock.db');
    const a = await start('stdio', 'A', db);
    const b = await start('stdio', 'B', db);
    const basic = await a.ok<{ product_id: string }>('create_product', BASIC);
    const { subscription_id } = await buy(a, basic.product_id, 'clock@example.com');

    const advanced = await b.ok<Advanced>('advance_test_clock', { by: { days: 10 } });
    expect(advanced.completed).toBe(true);
    const seenByA = await a.ok<TestClockView>('get_test_clock');
    const seenByB = await b.ok<TestClockView>('get_test_clock');
    expect(seenByA.offset_ms).toBe(seenByB.offset_ms);
    expect(Date.parse(seenByA.now)).toBeGreaterThanOrEqual(Date.parse(advanced.to));
    // A's time is the shared one: a purchase through A is dated after B's advance.
    const later = await buy(a, basic.product_id, 'later@example.com');
    const sub = await a.ok<{ created_at: string }>('get_subscription', { subscription_id: later.subscription_id });
    expect(Date.parse(sub.created_at)).toBeGreaterThanOrEqual(Date.parse(advanced.to));

    // Each moves it 5 more days: the stored clock is where the last advance left it (offset ~20 days).
    await a.ok('advance_test_clock', { by: { days: 5 } });
    const last = await b.ok<Advanced>('advance_test_clock', { by: { days: 5 } });
    const offset = (await b.ok<TestClockView>('get_test_clock')).offset_ms;
    expect(Math.round(offset / DAY_MS)).toBe(20);
    await a.close();
    await b.close();
    const restarted = await start('stdio', 'C', db);
    const after = await restarted.ok<TestClockView>('get_test_clock');
    expect(after.offset_ms).toBe(offset);
    expect(Date.parse(after.now)).toBeGreaterThanOrEqual(Date.parse(last.to));
    // The subscription bought before the advances was renewed once (its period ran out on day ~30? no: 20 days in, none due).
    expect((await restarted.ok<{ status: string }>('get_subscription', { subscription_id })).status).toBe('active');
  });

  test('two advances at once over 20 daily subscriptions: serialised, honest, each renewal charged once', async () => {
    const db = join(dir.path, 'advances.db');
    const a = await start('stdio', 'A', db);
    const b = await start('stdio', 'B', db);
    const daily = await a.ok<{ product_id: string }>('create_product', DAILY);
    const subscriptions: string[] = [];
    for (let i = 0; i < 20; i++)
      subscriptions.push((await buy(i % 2 === 0 ? a : b, daily.product_id, `daily${i}@example.com`)).subscription_id as string);

    const [first, second] = await Promise.all([
      a.ok<Advanced>('advance_test_clock', { by: { days: 1, hours: 1 } }),
      b.ok<Advanced>('advance_test_clock', { by: { days: 1, hours: 1 } }),
    ]);
    const [earlier, later] = Date.parse(first.from) <= Date.parse(second.from) ? [first, second] : [second, first];
    expect(earlier.completed && later.completed).toBe(true);
    // The second started where the first ended, so together they moved the clock two days and two hours.
    expect(Date.parse(later.from)).toBeGreaterThanOrEqual(Date.parse(earlier.to));
    const items = [...earlier.processed, ...later.processed];
    expect(items.filter((item) => item.error !== undefined)).toEqual([]);
    expect(items.filter((item) => item.kind === 'renewal')).toHaveLength(40);
    expect(new Set(items.map((item) => `${item.subscription_id}@${item.at}`)).size).toBe(40);
    for (const subscription_id of subscriptions) {
      const payments = await a.ok<{ items: { status: string }[] }>('list_payments', { subscription_id, page_size: 100 });
      expect(payments.items.filter((p) => p.status === 'succeeded')).toHaveLength(3);
    }
    await a.close();
    await b.close();
    const invariants = readInvariants(db);
    expect(invariants.renewalGaps).toEqual([]);
    expect(invariants.renewalPaymentsShared).toEqual([]);
    expect(invariants.clock?.advance_owner).toBeNull();
  });

  test('usage sent to the lagging server after the other advanced past a renewal is billed in the next period', async () => {
    const db = join(dir.path, 'usage.db');
    const a = await start('stdio', 'A', db);
    const b = await start('http', 'B', db);
    const plan = await usagePlan(a);
    const { customer_id, subscription_id } = await buy(a, plan.product_id, 'usage@example.com');

    // B bills the first period (no usage), then A, which never advanced, stamps 10 events with its clock.
    const first = await b.ok<Advanced>('advance_test_clock', { by: { months: 1, hours: 1 } });
    expect(first.processed.map((item) => item.kind)).toEqual(['renewal']);
    const events = Array.from({ length: 10 }, () => ({ event_id: `evt_${randomUUID()}`, customer_id, event_name: 'api.call' }));
    expect(await a.ok('ingest_usage_events', { events })).toEqual({ ingested_count: 10, duplicate_count: 0 });
    const stored = await a.ok<{ timestamp: string }>('get_usage_event', { event_id: events[0]?.event_id });
    expect(Date.parse(stored.timestamp)).toBeGreaterThanOrEqual(Date.parse(first.to));

    const second = await b.ok<Advanced>('advance_test_clock', { by: { months: 1 } });
    const renewal = second.processed.find((item) => item.kind === 'renewal');
    expect(renewal).toMatchObject({ subscription_id, amount: 1000 });
    await a.close();
    await b.close();
    expect(billedUnitsByCustomer(db).get(customer_id)).toBe(10);
  });

  test('webhooks from two servers: each event reaches the endpoint once, a retry is made by one process', async () => {
    const db = join(dir.path, 'webhooks.db');
    // The first attempt of every message fails (500), the retry 5 s later (engine clock) succeeds.
    const attemptsById = new Map<string, number>();
    const receiver = await WebhookReceiver.start(new FrozenClock(0), (_n, request) => {
      const seen = (attemptsById.get(request.id) ?? 0) + 1;
      attemptsById.set(request.id, seen);
      return seen === 1 ? 500 : 204;
    });
    try {
      const a = await start('stdio', 'A', db);
      const b = await start('stdio', 'B', db);
      const basic = await a.ok<{ product_id: string }>('create_product', BASIC);
      await a.ok('create_webhook', { url: receiver.url, filter_types: ['payment.succeeded'] });
      for (let i = 0; i < 12; i++) await buy(i % 2 === 0 ? a : b, basic.product_id, `hook${i}@example.com`);
      // Both dispatchers poll every 500 ms; give the first attempts time to land, then both move the clock
      // past the 5 s retry delay at once.
      await waitFor(() => attemptsById.size === 12);
      await Promise.all([a.ok('advance_test_clock', { by: { seconds: 10 } }), b.ok('advance_test_clock', { by: { seconds: 10 } })]);
      await waitFor(() => [...attemptsById.values()].every((n) => n >= 2));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect([...attemptsById.values()]).toEqual(Array(12).fill(2));
      const deliveries = await a.ok<{ items: { status: string; attempt_count: number }[] }>('list_webhook_deliveries', { page_size: 100 });
      expect(deliveries.items).toHaveLength(12);
      for (const delivery of deliveries.items) expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    } finally {
      await receiver.close();
    }
  });

  test('a failed write waits for the lock and never answers INTERNAL_SERVER_ERROR; a bad call changes nothing', async () => {
    const db = join(dir.path, 'errors.db');
    const a = await start('stdio', 'A', db);
    const b = await start('stdio', 'B', db);
    const basic = await a.ok<{ product_id: string }>('create_product', BASIC);
    const { customer_id } = await buy(a, basic.product_id, 'errors@example.com');
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 === 0 ? a : b).call('create_wallet_ledger_entry', {
          customer_id,
          amount: i % 3 === 0 ? 999_999 : 100,
          currency: 'USD',
          entry_type: i % 3 === 0 ? 'debit' : 'credit',
        }),
      ),
    );
    const codes = results.map(errorCodeOf);
    expect(codes.filter((code) => code !== null && code !== 'INSUFFICIENT_WALLET_FUNDS')).toEqual([]);
    const wallet = await b.ok<{ items: { balance: number }[] }>('get_customer_wallets', { customer_id });
    expect(wallet.items[0]?.balance).toBe(codes.filter((code) => code === null).length * 100);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
