// Rule under test: a Streamable HTTP session that goes unused is closed after the idle timeout, so
// clients that never send DELETE do not pile sessions up in a long-running server; live sessions are
// capped (the least recently used makes room), and requests whose headers or body trickle in time out.
import { type AddressInfo, connect } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import express from 'express';
import { describe, expect, test } from 'vitest';
import { buildServer } from '../../src/server.js';
import { buildToolCatalog } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { serveHttp } from '../../src/transports/http.js';
import { mcpSessions } from '../../src/transports/http-sessions.js';
import { createTestEngine } from '../support/test-engine.js';

test('an idle session is closed and a busy one is kept', async () => {
  const engine = await createTestEngine();
  const lines: string[] = [];
  const sessions = mcpSessions({
    newServer: () => buildServer(engine),
    jsonBody: express.json(),
    log: (line) => lines.push(line),
    // Pings every 100 ms against a 1 s idle limit: a loaded machine may stretch a ping many times over
    // before a busy session could look idle (150 ms against 60 ms gaps failed under load).
    idleTimeoutMs: 1000,
  });
  const app = express();
  app.use(sessions.router);
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  const { port } = listener.address() as AddressInfo;

  const client = new Client({ name: 'idle-test', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  expect(sessions.count()).toBe(1);
  for (let i = 0; i < 15; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.ping();
  }
  expect(sessions.count()).toBe(1);

  await expect.poll(() => sessions.count(), { timeout: 10_000, interval: 100 }).toBe(0);
  expect(lines.some((line) => /idle/.test(line))).toBe(true);

  await sessions.closeAll();
  await new Promise((resolve) => listener.close(resolve));
  await engine.close();
});

// Issue 13: 3,000 sessions that only sent initialize held 160 MB for 30 minutes, and request headers and
// bodies that trickled in were held for 90–130 s.
describe('bounded sessions and requests', () => {
  async function serve(extra: Partial<Parameters<typeof serveHttp>[0]>) {
    const engine = await createTestEngine();
    const lines: string[] = [];
    const server = await serveHttp({
      engine,
      catalog: buildToolCatalog(ALL_TOOLS),
      host: '127.0.0.1',
      port: 0,
      authToken: undefined,
      allowedHosts: [],
      allowedOrigins: [],
      log: (line) => lines.push(line),
      ...extra,
    });
    return {
      server,
      lines,
      async close() {
        await server.close();
        await engine.close();
      },
    };
  }

  test('at the cap a new session closes the least recently used one, and says so', async () => {
    const running = await serve({ maxSessions: 2 });
    const clients: Client[] = [];
    for (let i = 0; i < 3; i++) {
      const client = new Client({ name: `cap-${i}`, version: '0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${running.server.url}/mcp`)));
      clients.push(client);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const health = (await (await fetch(`${running.server.url}/health`)).json()) as { sessions: number };
    expect(health.sessions).toBe(2);
    expect(running.lines.some((line) => /closed: 2 sessions are open, the most this server keeps; it was the least recently used/.test(line))).toBe(
      true,
    );
    await expect(clients[0]?.ping()).rejects.toThrow(/Session not found/);
    await clients[2]?.ping();
    for (const client of clients) await client.close().catch(() => undefined);
    await running.close();
  });

  test.each([
    ['headers that never finish', 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n'],
    [
      'a body that never finishes',
      'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"jsonrpc"',
    ],
  ])('%s: the connection is closed after the timeout', async (_name, partial) => {
    const running = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const { port } = new URL(running.server.url);
    const started = performance.now();
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(partial));
      socket.on('error', () => undefined);
      socket.resume();
      socket.on('close', () => resolve(performance.now() - started));
      setTimeout(() => reject(new Error('still open after 10 s')), 10_000).unref();
    });
    // The timeout, plus at most the one-second check interval and scheduling.
    expect(closedAfter).toBeLessThan(4000);
    await running.close();
  });
});
