import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI } from './cli-process.js';
import { textOf } from './mcp-client.js';

async function connect(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'billing-mcp-e2e', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

function authHeaders(token: string | undefined): RequestInit | undefined {
  return token === undefined ? undefined : { headers: { Authorization: `Bearer ${token}` } };
}

/** The SDK client over stdio to a spawned `node dist/cli.js …args`; env adds to the SDK's safe defaults. */
export function stdioClient(args: readonly string[], env: Record<string, string> = {}): Promise<Client> {
  return connect(
    new StdioClientTransport({ command: process.execPath, args: [CLI, ...args], env: { ...getDefaultEnvironment(), ...env }, stderr: 'pipe' }),
  );
}

/** The SDK client over Streamable HTTP to `${baseUrl}/mcp`. */
export function streamableClient(baseUrl: string, token?: string): Promise<Client> {
  return connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit: authHeaders(token) }));
}

/** The SDK client over legacy SSE to `${baseUrl}/sse`. */
export function sseClient(baseUrl: string, token?: string): Promise<Client> {
  return connect(new SSEClientTransport(new URL(`${baseUrl}/sse`), { requestInit: authHeaders(token) }));
}

export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** Calls a tool that must succeed and returns its structuredContent. */
export async function callOk<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await callTool(client, name, args);
  if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
  return result.structuredContent as T;
}

export const PLAN = {
  name: 'Team',
  tax_category: 'saas',
  price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
};
