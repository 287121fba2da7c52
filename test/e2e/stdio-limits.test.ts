// Rule under test (issue 13): a stdio message over the 10 MiB an MCP stdio message may take made the
// server exit with code 0 and log nothing. Now the built CLI logs why, answers that request with a JSON-RPC
// Invalid Request error naming its size, and serves the next message.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLI, cliEnv, tempDir } from '../support/cli-process.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir?.remove();
});

test('an 11 MiB request is answered with an error and logged; the next request is served', async () => {
  const child = spawn(process.execPath, [CLI, '--db', join(dir.path, 'limits.db')], { env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const answers = () =>
    stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { id?: unknown; error?: { code: number; message: string }; result?: unknown });
  const answerTo = async (id: number) => {
    for (let waited = 0; waited < 20_000; waited += 50) {
      const found = answers().find((message) => message.id === id);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no answer to ${id}; stderr:\n${stderr}`);
  };
  const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);

  send({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'limits', version: '0' } },
  });
  await answerTo(1);
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  send({
    jsonrpc: '2.0',
    id: 7,
    method: 'tools/call',
    params: { name: 'create_customer', arguments: { email: 'big@example.com', name: 'x'.repeat(11 * 2 ** 20) } },
  });
  send({
    jsonrpc: '2.0',
    id: 8,
    method: 'tools/call',
    params: { name: 'create_customer', arguments: { email: 'small@example.com', name: 'Small' } },
  });

  const refused = await answerTo(7);
  expect(refused.error).toMatchObject({
    code: -32600,
    message: expect.stringMatching(/^the request is 11\.0 MiB, over the 10 MiB this server reads; send a smaller one$/),
  });
  const served = await answerTo(8);
  expect(served.error).toBeUndefined();
  expect(JSON.stringify(served.result)).toContain('small@example.com');
  expect(stderr).toMatch(
    /dropped a message of 11\.0 MiB on stdin, over the 10 MiB an MCP stdio message may take \(request id 7, answered with an error\); still serving/,
  );
  expect(child.exitCode).toBeNull();
  child.stdin.end();
  await new Promise((resolve) => child.once('close', resolve));
});
