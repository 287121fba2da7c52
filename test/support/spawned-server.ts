import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * The runner's environment minus what would change how a spawned server or npm behaves: BILLING_MCP_* settings,
 * and the npm_* variables `npm test` exports for its own script (a child npm would read them as its config).
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keepNpm = /^npm_config_(nodedir|cache|userconfig|globalconfig|registry|cafile|https?_proxy|proxy|noproxy)$/i;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('BILLING_MCP_') || key === 'INIT_CWD') continue;
    if (/^npm_/i.test(key) && !keepNpm.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface ListedTools {
  names: string[];
  /** structuredContent of one list_products call: proves the engine (and its native SQLite binding) answers. */
  products: Record<string, unknown> | undefined;
  /** Bytes of the tools/list answer's tools: what the client loads into a model's context. */
  bytes: number;
  /** The server's instructions as the client received them. */
  instructions: string;
}

/** Connects the SDK's own client over `transport`, lists the tools, calls list_products, and closes. */
export async function listToolsVia(transport: Transport): Promise<ListedTools> {
  const client = new Client({ name: 'billing-mcp-e2e', version: '0.0.0' });
  await client.connect(transport);
  try {
    const listing = await client.listTools();
    const { tools } = listing;
    const names = tools.map((tool) => tool.name);
    const bytes = Buffer.byteLength(JSON.stringify({ tools }));
    const instructions = client.getInstructions() ?? '';
    let products: Record<string, unknown> | undefined;
    if (names.includes('list_products')) {
      const result = (await client.callTool({ name: 'list_products', arguments: {} })) as CallToolResult;
      if (result.isError) throw new Error(`list_products failed: ${JSON.stringify(result.content)}`);
      products = result.structuredContent;
    }
    return { names, products, bytes, instructions };
  } finally {
    await client.close();
  }
}

export interface SpawnedServer {
  child: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts a long-running server process and resolves once `ready` says so; rejects with its stderr if it exits first. */
export async function spawnServer(
  command: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd?: string; ready: () => Promise<boolean>; timeoutMs?: number },
): Promise<SpawnedServer> {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: SpawnedServer = {
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode ?? child.signalCode}; stderr:\n${stderr}`);
    }
    if (await options.ready().catch(() => false)) return server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  throw new Error(`${command} ${args.join(' ')} was not ready within ${options.timeoutMs ?? 20_000} ms; stderr:\n${stderr}`);
}

/** True once GET `url` answers 2xx. */
export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.ok;
}
