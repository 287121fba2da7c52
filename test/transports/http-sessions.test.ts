// Rule under test: a Streamable HTTP session that goes unused is closed after the idle timeout, so
// clients that never send DELETE do not pile sessions up in a long-running server.
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import express from 'express';
import { expect, test } from 'vitest';
import { buildServer } from '../../src/server.js';
import { mcpSessions } from '../../src/transports/http-sessions.js';
import { createTestEngine } from '../support/test-engine.js';

test('an idle session is closed and a busy one is kept', async () => {
  const engine = await createTestEngine();
  const lines: string[] = [];
  const sessions = mcpSessions({
    newServer: () => buildServer(engine),
    jsonBody: express.json(),
    log: (line) => lines.push(line),
    idleTimeoutMs: 150,
  });
  const app = express();
  app.use(sessions.router);
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  const { port } = listener.address() as AddressInfo;

  const client = new Client({ name: 'idle-test', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  expect(sessions.count()).toBe(1);
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 60));
    await client.ping();
  }
  expect(sessions.count()).toBe(1);

  await expect.poll(() => sessions.count(), { timeout: 2000, interval: 50 }).toBe(0);
  expect(lines.some((line) => /idle/.test(line))).toBe(true);

  await sessions.closeAll();
  await new Promise((resolve) => listener.close(resolve));
  await engine.close();
});
