// Rule under test: over Streamable HTTP, a tool call still running after releaseStreamAfterMs closes its
// POST stream (SEP-1699 polling) and the client gets the answer by reconnecting with GET + Last-Event-ID,
// so a proxy's idle timeout never cuts a long call. Here a card network that answers in 300 ms, a server
// that releases after 50 ms, and the SDK's own Streamable HTTP client: create_payment still returns its
// succeeded payment, once, and the client did reconnect.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, test } from 'vitest';
import { FrozenClock } from '../../src/engine/clock.js';
import type { Engine } from '../../src/engine/index.js';
import { type PaymentProcessor, TestProcessor } from '../../src/engine/payments/processor.js';
import { buildToolCatalog } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { type RunningHttpServer, serveHttp } from '../../src/transports/http.js';
import { customerWithCard } from '../support/subscription-fixtures.js';
import { createTestEngine, TEST_START } from '../support/test-engine.js';

const NETWORK_MS = 300;

/** The test cards' answers (SPEC §5), each after NETWORK_MS of real time, as a slow card network. */
function slowNetwork(): PaymentProcessor {
  const cards = new TestProcessor(new FrozenClock(TEST_START));
  return {
    async charge(request) {
      await new Promise((resolve) => setTimeout(resolve, NETWORK_MS));
      return cards.charge(request);
    },
  };
}

let server: RunningHttpServer | undefined;
let engine: Engine | undefined;
afterEach(async () => {
  await server?.close();
  await engine?.close();
});

async function serve(releaseStreamAfterMs: number): Promise<{ server: RunningHttpServer; engine: Engine }> {
  const opened = await createTestEngine(TEST_START, { processor: slowNetwork() });
  engine = opened;
  server = await serveHttp({
    engine: opened,
    catalog: buildToolCatalog(ALL_TOOLS),
    host: '127.0.0.1',
    port: 0,
    authToken: undefined,
    allowedHosts: [],
    allowedOrigins: [],
    releaseStreamAfterMs,
    log: () => undefined,
  });
  return { server, engine: opened };
}

/** An SDK client that records the Last-Event-ID of every GET it makes (its reconnects). */
async function recordingClient(url: string): Promise<{ client: Client; resumedFrom: string[] }> {
  const resumedFrom: string[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    fetch: (input, init) => {
      const lastEventId = new Headers(init?.headers).get('last-event-id');
      if ((init?.method ?? 'GET') === 'GET' && lastEventId !== null) resumedFrom.push(lastEventId);
      return fetch(input, init);
    },
  });
  const client = new Client({ name: 'release-stream-test', version: '0' });
  await client.connect(transport);
  return { client, resumedFrom };
}

describe('a long tool call over Streamable HTTP releases its stream', () => {
  test('the answer arrives through the resumed stream, once', async () => {
    const running = await serve(50);
    const { customer, method } = await customerWithCard(running.engine);
    const product = await running.engine.products.create({
      name: 'Report',
      tax_category: 'saas',
      price: { type: 'one_time_price', currency: 'USD', price: 1500 },
    });
    const { client, resumedFrom } = await recordingClient(running.server.url);
    try {
      const result = await client.callTool({
        name: 'create_payment',
        arguments: {
          customer_id: customer.customer_id,
          payment_method_id: method.payment_method_id,
          product_cart: [{ product_id: product.product_id, quantity: 1 }],
        },
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ status: 'succeeded', total_amount: 1500 });
      expect(resumedFrom.length).toBeGreaterThan(0);
      const payments = await running.engine.payments.list({ customer_id: customer.customer_id });
      expect(payments.items.map((p) => p.status)).toEqual(['succeeded']);
    } finally {
      await client.close();
    }
  });

  test('a call that ends before the limit keeps its stream: no reconnect', async () => {
    const running = await serve(5_000);
    const { client, resumedFrom } = await recordingClient(running.server.url);
    try {
      const result = await client.callTool({ name: 'list_products', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(resumedFrom).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
