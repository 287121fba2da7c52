// Rule under test: over HTTP the built CLI serves Streamable HTTP (/mcp) and legacy SSE (/sse) to the SDK's
// own clients, shares one engine across sessions, and refuses foreign Host and Origin headers (DNS rebinding).
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type HttpCli, startHttpCli, tempDir } from '../support/cli-process.js';
import { callOk, PLAN, sseClient, streamableClient } from '../support/e2e-clients.js';
import { INITIALIZE_BODY, MCP_POST_HEADERS, rawRequest } from '../support/raw-http.js';

interface Product {
  product_id: string;
  name: string;
}

describe('HTTP transport (built CLI)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: HttpCli;
  const clients: Client[] = [];
  const open = async (connecting: Promise<Client>): Promise<Client> => {
    const client = await connecting;
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = await tempDir();
    server = await startHttpCli(['--db', join(dir.path, 'billing.db')]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    expect(await server?.stop()).toBe(0);
    await dir?.remove();
  });

  test('the URL is logged on stderr with the port actually bound', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
  });

  test('/health answers status, version and the open session count', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: expect.any(String), sessions: expect.any(Number) });
  });

  test('Streamable HTTP: initialize, tools/list, a write and a read', async () => {
    const client = await open(streamableClient(server.url));
    expect(client.getServerVersion()?.name).toBe('billing-mcp');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('create_product');
    const created = await callOk<Product>(client, 'create_product', { ...PLAN, name: 'Streamable plan' });
    expect(await callOk<Product>(client, 'get_product', { product_id: created.product_id })).toMatchObject({ name: 'Streamable plan' });
  });

  test('legacy SSE: initialize, tools/list and a call', async () => {
    const client = await open(sseClient(server.url));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('list_products');
    const created = await callOk<Product>(client, 'create_product', { ...PLAN, name: 'SSE plan' });
    expect(created.product_id).toMatch(/^pdt_/);
  });

  test('two concurrent Streamable sessions share one engine: each sees the other’s writes', async () => {
    const [a, b] = await Promise.all([open(streamableClient(server.url)), open(streamableClient(server.url))]);
    const [fromA, fromB] = await Promise.all([
      callOk<Product>(a, 'create_product', { ...PLAN, name: 'Made by A' }),
      callOk<Product>(b, 'create_product', { ...PLAN, name: 'Made by B' }),
    ]);
    expect(await callOk<Product>(b, 'get_product', { product_id: fromA.product_id })).toMatchObject({ name: 'Made by A' });
    expect(await callOk<Product>(a, 'get_product', { product_id: fromB.product_id })).toMatchObject({ name: 'Made by B' });
    const health = (await (await fetch(`${server.url}/health`)).json()) as { sessions: number };
    expect(health.sessions).toBeGreaterThanOrEqual(2);
  });

  test('a closed Streamable session is removed from the session count', async () => {
    const before = ((await (await fetch(`${server.url}/health`)).json()) as { sessions: number }).sessions;
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`));
    const client = new Client({ name: 'billing-mcp-e2e', version: '0.0.0' });
    await client.connect(transport);
    expect(((await (await fetch(`${server.url}/health`)).json()) as { sessions: number }).sessions).toBe(before + 1);
    await transport.terminateSession();
    await client.close();
    expect(((await (await fetch(`${server.url}/health`)).json()) as { sessions: number }).sessions).toBe(before);
  });

  test.each([
    ['a foreign Host', { host: 'evil.example.com' }],
    ['a foreign Origin', { origin: 'http://evil.example.com' }],
    ['an https Origin on the loopback name', { origin: 'https://localhost' }],
  ])('%s is refused with 403 and a JSON-RPC error', async (_label, headers) => {
    const res = await rawRequest(`${server.url}/mcp`, { method: 'POST', headers: { ...MCP_POST_HEADERS, ...headers }, body: INITIALIZE_BODY });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
  });

  test('the server’s own origin and loopback Host names are accepted', async () => {
    const port = new URL(server.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const res = await rawRequest(`${server.url}/mcp`, {
        method: 'POST',
        headers: { ...MCP_POST_HEADERS, host, origin: `http://${host}` },
        body: INITIALIZE_BODY,
      });
      expect(res.status).toBe(200);
      expect(res.headers['mcp-session-id']).toEqual(expect.any(String));
    }
  });

  test('a request with an unknown session id is 404; one without a session and not initialize is 400', async () => {
    const unknown = await rawRequest(`${server.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_POST_HEADERS, 'mcp-session-id': 'nope' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(unknown.status).toBe(404);
    const missing = await rawRequest(`${server.url}/mcp`, {
      method: 'POST',
      headers: MCP_POST_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(missing.status).toBe(400);
  });

  test('a body over the limit is refused with 413 before it reaches a session', async () => {
    const res = await rawRequest(`${server.url}/mcp`, { method: 'POST', headers: MCP_POST_HEADERS, body: `"${'x'.repeat(2_000_000)}"` });
    expect(res.status).toBe(413);
  });
});

describe('HTTP transport with --auth-token', () => {
  const token = 'e2e-secret-token';
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: HttpCli;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startHttpCli(['--db', join(dir.path, 'billing.db'), '--auth-token', token]);
  });
  afterAll(async () => {
    await server?.stop();
    await dir?.remove();
  });

  test.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['a token of another scheme', { authorization: `Basic ${token}` }],
  ])('%s is refused with 401 and a Bearer challenge', async (_label, headers) => {
    const res = await rawRequest(`${server.url}/mcp`, { method: 'POST', headers: { ...MCP_POST_HEADERS, ...headers }, body: INITIALIZE_BODY });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
    const sse = await rawRequest(`${server.url}/sse`, { headers });
    expect(sse.status).toBe(401);
  });

  test('/health needs no token', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  test('the right token works over Streamable HTTP and SSE', async () => {
    const streamable = await streamableClient(server.url, token);
    const sse = await sseClient(server.url, token);
    try {
      expect((await streamable.listTools()).tools.length).toBeGreaterThan(0);
      expect((await sse.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await Promise.all([streamable.close(), sse.close()]);
    }
  });
});

describe('HTTP transport bound to every interface', () => {
  const token = 'e2e-wildcard-token';
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: HttpCli;
  let local: string;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startHttpCli([
      '--db',
      join(dir.path, 'billing.db'),
      '--host',
      '0.0.0.0',
      '--auth-token',
      token,
      '--allowed-hosts',
      'billing.internal',
    ]);
    local = `http://127.0.0.1:${new URL(server.url).port}`;
  });
  afterAll(async () => {
    await server?.stop();
    await dir?.remove();
  });

  test.each([
    ['a loopback name', 'localhost', 200],
    ['an --allowed-hosts name', 'billing.internal', 200],
    ['any other name', 'evil.example.com', 403],
  ])('Host: %s (%s) → %i', async (_label, hostname, status) => {
    const res = await rawRequest(`${local}/mcp`, {
      method: 'POST',
      headers: { ...MCP_POST_HEADERS, host: `${hostname}:8080`, authorization: `Bearer ${token}` },
      body: INITIALIZE_BODY,
    });
    expect(res.status).toBe(status);
  });
});
