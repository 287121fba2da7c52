// Rule under test (issue 17, README "PostgreSQL and replicas"): with `stateless`, Streamable HTTP keeps no MCP
// session, so replicas behind a load balancer can each answer any request. Two servers, each with its own
// engine on one database (as two replicas): the SDK's client works against either, with no session id; an
// initialize answered by one and a tool call answered by the other both succeed and see the same data; what
// needs a session (the GET stream, DELETE, legacy SSE) answers 405 and says why.
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FrozenClock } from '../../src/engine/clock.js';
import { openDatabase } from '../../src/engine/db/database.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { buildToolCatalog } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { type RunningHttpServer, serveHttp } from '../../src/transports/http.js';
import { tempDir } from '../support/cli-process.js';
import { TEST_START } from '../support/test-engine.js';

const replicas: { engine: Engine; server: RunningHttpServer }[] = [];
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  dir = await tempDir();
  const path = join(dir.path, 'replicas.db');
  for (let i = 0; i < 2; i++) {
    const engine = await createEngine({ db: openDatabase({ path }).db, clock: new FrozenClock(TEST_START) });
    const server = await serveHttp({
      engine,
      catalog: buildToolCatalog(ALL_TOOLS),
      host: '127.0.0.1',
      port: 0,
      authToken: undefined,
      allowedHosts: [],
      allowedOrigins: [],
      stateless: true,
      log: () => undefined,
    });
    replicas.push({ engine, server });
  }
});
afterAll(async () => {
  for (const { engine, server } of replicas) {
    await server.close();
    await engine.close();
  }
  await dir.remove();
});

const url = (replica: number) => (replicas[replica] as { server: RunningHttpServer }).server.url;

function post(replica: number, body: unknown): Promise<Response> {
  return fetch(`${url(replica)}/mcp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-06-18' },
    body: JSON.stringify(body),
  });
}

describe('stateless Streamable HTTP', () => {
  test("the SDK's client connects, lists and calls with no session id", async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${url(0)}/mcp`));
    const client = new Client({ name: 'stateless-test', version: '0' });
    await client.connect(transport);
    expect(transport.sessionId).toBeUndefined();
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('create_product');
    const created = await client.callTool({
      name: 'create_product',
      arguments: { name: 'Basic', tax_category: 'saas', price: { type: 'one_time_price', currency: 'USD', price: 3000 } },
    });
    expect(created.isError).toBeFalsy();
    await client.close();
  });

  test('initialize on one replica, the call on another: answered, as JSON, from the shared database', async () => {
    const init = await post(0, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'balanced', version: '0' } },
    });
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    const created = (await (
      await post(0, {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: {
          name: 'create_product',
          arguments: { name: 'Pro', tax_category: 'saas', price: { type: 'one_time_price', currency: 'USD', price: 8000 } },
        },
      })
    ).json()) as { result: { structuredContent: { product_id: string } } };
    const read = await post(1, {
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'get_product', arguments: { product_id: created.result.structuredContent.product_id } },
    });
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toContain('application/json');
    expect(
      ((await read.json()) as { result: { structuredContent: { name: string; price: { price: number } } } }).result.structuredContent,
    ).toMatchObject({
      name: 'Pro',
      price: { price: 8000 },
    });
  });

  test('what needs a session answers 405 and says so: GET and DELETE /mcp, legacy SSE', async () => {
    for (const [method, path] of [
      ['GET', '/mcp'],
      ['DELETE', '/mcp'],
      ['GET', '/sse'],
      ['POST', '/messages?sessionId=x'],
    ] as const) {
      const response = await fetch(`${url(1)}${path}`, { method, headers: { Accept: 'text/event-stream, application/json' } });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('stateless');
    }
  });
});
