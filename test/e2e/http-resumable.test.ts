// Rule under test (issue 14, item 6): Streamable HTTP is resumable. Each POST stream opens with a priming
// event (an id, `retry: 1000`, empty data) for clients speaking 2025-11-25, every event after it has an id,
// and a client whose connection dropped reconnects with GET /mcp + Last-Event-ID and receives what it
// missed: a long advance_test_clock over a dropped connection does not lose its answer.
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SSE_RETRY_MS } from '../../src/transports/http-sessions.js';
import { CARD_OK } from '../support/checkout-fixtures.js';
import { type HttpCli, startHttpCli, tempDir } from '../support/cli-process.js';
import { callOk, streamableClient } from '../support/e2e-clients.js';
import { MCP_POST_HEADERS } from '../support/raw-http.js';
import { SseReader } from '../support/sse-events.js';

/** The version that has priming events; older clients get none (they cannot parse an empty `data:`). */
const RESUMABLE_VERSION = '2025-11-25';

interface Advanced {
  from: string;
  to: string;
  target: string;
  completed: boolean;
  processed_count: number;
}

/** A raw Streamable HTTP session: fetch, so the test can drop a stream and come back with Last-Event-ID. */
class RawSession {
  private constructor(
    private readonly url: string,
    readonly id: string,
    private readonly version: string,
  ) {}

  static async open(baseUrl: string, version = RESUMABLE_VERSION): Promise<RawSession> {
    const url = `${baseUrl}/mcp`;
    const init = { protocolVersion: version, capabilities: {}, clientInfo: { name: 'resumable-e2e', version: '0' } };
    const res = await fetch(url, {
      method: 'POST',
      headers: MCP_POST_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: init }),
    });
    const id = res.headers.get('mcp-session-id');
    if (res.body === null || id === null) throw new Error(`initialize answered ${res.status} without a session`);
    await new SseReader(res.body).response(0);
    const session = new RawSession(url, id, version);
    const initialized = await fetch(url, {
      method: 'POST',
      headers: session.headers(MCP_POST_HEADERS),
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    });
    expect(initialized.status).toBe(202);
    return session;
  }

  headers(extra: Record<string, string>): Record<string, string> {
    return { ...extra, 'mcp-session-id': this.id, 'mcp-protocol-version': this.version };
  }

  /** POSTs tools/call with JSON-RPC id `id`; the answer comes on the returned SSE stream. */
  async call(id: number, name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<SseReader> {
    const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
    const res = await fetch(this.url, { method: 'POST', headers: this.headers(MCP_POST_HEADERS), body, signal: signal ?? null });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    if (res.body === null) throw new Error('tools/call answered without a body');
    return new SseReader(res.body);
  }

  /** The reconnect a client makes after a dropped stream: GET with the last event id it saw. */
  resume(lastEventId: string): Promise<Response> {
    return fetch(this.url, { headers: this.headers({ accept: 'text/event-stream', 'last-event-id': lastEventId }) });
  }

  async close(): Promise<void> {
    await fetch(this.url, { method: 'DELETE', headers: this.headers({}) });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('resumable Streamable HTTP (built CLI)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: HttpCli;
  let client: Client;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startHttpCli(['--db', join(dir.path, 'billing.db')]);
    client = await streamableClient(server.url);
    // Two $1.00 daily plans: a year's advance renews each 365 times, 730 renewals (about 3 s here).
    const daily = await callOk<{ product_id: string }>(client, 'create_product', {
      name: 'Daily',
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price: 100, payment_frequency_count: 1, payment_frequency_interval: 'Day' },
    });
    for (const email of ['ann@example.com', 'bob@example.com']) {
      const checkout = await callOk<{ session_id: string }>(client, 'create_checkout_session', {
        product_cart: [{ product_id: daily.product_id, quantity: 1 }],
        customer: { email, name: email.split('@')[0] },
      });
      await callOk(client, 'complete_checkout_session', { session_id: checkout.session_id, card: CARD_OK });
    }
  });
  afterAll(async () => {
    await client?.close();
    expect(await server?.stop()).toBe(0);
    await dir?.remove();
  });

  test('each POST stream opens with a priming event: an id, retry: 1000 and empty data; then the answer with a later id', async () => {
    const session = await RawSession.open(server.url);
    const stream = await session.call(1, 'get_test_clock', {});
    const priming = await stream.next();
    expect(priming).toEqual({ id: expect.stringMatching(/^\d+$/), retry: SSE_RETRY_MS, data: '' });
    const answer = await stream.response(1);
    expect(Number(answer?.event.id)).toBeGreaterThan(Number(priming?.id));
    expect(await stream.next()).toBeUndefined();
    await session.close();
  });

  test('a client that declares 2025-03-26 gets no priming event (it could not parse one), but ids still', async () => {
    const session = await RawSession.open(server.url, '2025-03-26');
    const stream = await session.call(1, 'get_test_clock', {});
    const first = await stream.next();
    expect(first?.retry).toBeUndefined();
    expect(first?.id).toMatch(/^\d+$/);
    expect(JSON.parse(first?.data ?? '')).toMatchObject({ id: 1, result: expect.any(Object) });
    await session.close();
  });

  test('a year’s advance_test_clock whose connection drops mid-way: GET + Last-Event-ID brings its answer', { timeout: 120_000 }, async () => {
    const session = await RawSession.open(server.url);
    const connection = new AbortController();
    const stream = await session.call(7, 'advance_test_clock', { by: { months: 12 } }, connection.signal);
    const priming = await stream.next();
    expect(priming?.id).toBeDefined();
    // The connection drops while 730 renewals are still being billed.
    connection.abort();

    await sleep(SSE_RETRY_MS);
    const resumed = await session.resume(priming?.id ?? '');
    expect(resumed.status).toBe(200);
    if (resumed.body === null) throw new Error('the resumed stream has no body');
    const answer = await new SseReader(resumed.body).response(7);
    const advanced = (answer?.message.result as { structuredContent: Advanced } | undefined)?.structuredContent;
    expect(advanced).toMatchObject({ completed: true });
    expect(advanced?.to).toBe(advanced?.target);
    expect(advanced?.processed_count).toBeGreaterThanOrEqual(2 * 365);
    expect(Number(answer?.event.id)).toBeGreaterThan(Number(priming?.id));
    await session.close();
  });

  test('an answer that finished while the client was away is replayed from the store', { timeout: 60_000 }, async () => {
    const session = await RawSession.open(server.url);
    const before = await callOk<{ now: string }>(client, 'get_test_clock', {});
    const connection = new AbortController();
    const stream = await session.call(8, 'advance_test_clock', { by: { days: 10 } }, connection.signal);
    const priming = await stream.next();
    connection.abort();
    // Away until the advance is surely over: the clock has reached its target, and a moment more.
    const target = Date.parse(before.now) + 10 * 86_400_000;
    await expect
      .poll(async () => Date.parse((await callOk<{ now: string }>(client, 'get_test_clock', {})).now) >= target, { timeout: 30_000 })
      .toBe(true);
    await sleep(200);

    const resumed = await session.resume(priming?.id ?? '');
    if (resumed.body === null) throw new Error('the resumed stream has no body');
    const answer = await new SseReader(resumed.body).response(8);
    expect(answer?.message.result).toMatchObject({ structuredContent: { completed: true, processed_count: 20 } });
    await session.close();
  });

  test('a Last-Event-ID the server does not hold is refused with 400, not answered with an empty stream', async () => {
    const session = await RawSession.open(server.url);
    const resumed = await session.resume('999999');
    expect(resumed.status).toBe(400);
    await session.close();
  });
});
