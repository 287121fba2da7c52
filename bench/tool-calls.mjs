import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { summarize } from './stats.mjs';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));
const STDERR_KEEP = 8192;

/** Keeps the tail of a child's stderr for error messages; draining it also keeps the child from blocking. */
function stderrTail(stream) {
  let tail = '';
  stream?.on('data', (chunk) => {
    tail = (tail + chunk.toString()).slice(-STDERR_KEEP);
  });
  return () => tail;
}

function newClient() {
  return new Client({ name: 'billing-mcp-bench', version: '0.0.0' });
}

/** A client connected to bench/server.mjs over stdio; `nodeFlags` go to the server's node (e.g. --cpu-prof). */
export async function connectStdio({ dist, db, productId, nodeFlags = [], serverFlags = [] }) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...nodeFlags, SERVER, '--dist', dist, '--db', db, '--product-id', productId, ...serverFlags],
    cwd: REPO,
    stderr: 'pipe',
  });
  const tail = stderrTail(transport.stderr);
  const client = newClient();
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`bench server (stdio) failed to start: ${error.message}\n${tail()}`, { cause: error });
  }
  return { client, stderr: tail, close: () => client.close() };
}

async function freePort() {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  await once(probe, 'close');
  return port;
}

/**
 * The SDK client passes one shared AbortSignal to every fetch, and undici adds an abort listener to it per
 * request that only garbage collection removes: thousands of calls pile up listeners (MaxListenersExceeded-
 * Warning) and slow the client. POSTs and DELETEs end on their own, so they go without it; only the GET
 * stream needs the shared signal, to end when the transport closes.
 */
const fetchWithoutSharedSignal = (url, init = {}) =>
  (init.method ?? 'GET') === 'GET' ? fetch(url, init) : fetch(url, { ...init, signal: undefined });

/** Spawns bench/server.mjs --transport http and connects a Streamable HTTP client to its /mcp endpoint. */
export async function connectHttp({ dist, db, productId, nodeFlags = [] }) {
  const port = await freePort();
  const args = [...nodeFlags, SERVER, '--dist', dist, '--db', db, '--product-id', productId, '--transport', 'http', '--port', String(port)];
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = stderrTail(child.stderr);
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line),
    exited.then(([code]) => {
      throw new Error(`bench server (http) exited with ${code} before listening:\n${tail()}`);
    }),
  ]);
  const { url } = JSON.parse(first);
  const endpoint = new URL(url);
  if (!endpoint.pathname.endsWith('/mcp')) endpoint.pathname = '/mcp';
  const transport = new StreamableHTTPClientTransport(endpoint, { fetch: fetchWithoutSharedSignal });
  const client = newClient();
  await client.connect(transport);
  return {
    client,
    url: endpoint.href,
    stderr: tail,
    async close() {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function listTools(client) {
  return client.request({ method: 'tools/list' }, ListToolsResultSchema);
}

/**
 * The cases one session times: a real read, the two baselines (bench-tools.mjs), and tools/list (raw,
 * without the client's schema caching) in every 8th round only, since a list of 200 KB costs tens of calls.
 */
export function benchCases(client, productId) {
  const call = async (name, args) => {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    return result;
  };
  return [
    { name: 'get_product', run: () => call('get_product', { product_id: productId }) },
    { name: 'noop', run: () => call('noop', {}) },
    { name: 'product_echo', run: () => call('product_echo', {}) },
    { name: 'tools/list', every: 8, run: () => listTools(client) },
  ];
}

/**
 * Times each case after `warmup` rounds, sequentially (one request in flight), over `iterations` rounds; a
 * case with `every: k` runs in every k-th round only. Cases are interleaved and their order rotates every
 * round, so drift (GC, JIT, CPU frequency, neighbours) falls on all alike.
 */
export async function timeCases(cases, { warmup, iterations }) {
  const samples = cases.map(() => []);
  for (let round = 0; round < warmup + iterations; round++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (round + k) % cases.length;
      const current = cases[index];
      if (round % (current.every ?? 1) !== 0) continue;
      const start = performance.now();
      await current.run();
      const elapsed = performance.now() - start;
      if (round >= warmup) samples[index].push(elapsed);
    }
  }
  return Object.fromEntries(cases.map((c, i) => [c.name, summarize(samples[i])]));
}
