import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { buildServer, type ServerOptions } from '../../src/server.js';
import { createTestEngine, type TestEngine } from './test-engine.js';

export interface ConnectedClient {
  client: Client;
  engine: TestEngine;
  /** Calls a tool and returns the raw result (isError included). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Calls a tool that must succeed and returns its structuredContent. */
  ok<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** Calls a tool that must fail and returns its error text ("CODE: message. Next: …"). */
  fail(name: string, args?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/**
 * One Ajv for every client of this test file (vitest gives each file its own module graph), and each
 * schema compiled once, keyed by its JSON text: compiling the ~100 listed output schemas for every new
 * client was most of a tool test's set-up. A compiled validator keeps no state between inputs, so
 * sharing it across clients and engines changes no verdict.
 */
const ajv = new AjvJsonSchemaValidator();
const compiled = new Map<string, JsonSchemaValidator<unknown>>();
const sharedValidators: jsonSchemaValidator = {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    const key = JSON.stringify(schema);
    let validator = compiled.get(key);
    if (!validator) {
      validator = ajv.getValidator<unknown>(schema);
      compiled.set(key, validator);
    }
    // The SDK asks for T only to type what a valid input is; the check is the same for every T.
    return validator as JsonSchemaValidator<T>;
  },
};

/**
 * The SDK's real client over an in-memory linked transport pair, against buildServer on a test engine (a
 * fresh in-memory database unless `engine` is given). Each call builds a new server and client; what
 * they share with earlier ones is code only: buildServer's default catalog and the compiled validators.
 */
export async function connectClient(options: ServerOptions = {}, engine?: TestEngine): Promise<ConnectedClient> {
  const testEngine = engine ?? (await createTestEngine());
  const server = buildServer(testEngine, options);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'billing-mcp-tests', version: '0.0.0' }, { jsonSchemaValidator: sharedValidators });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  // Listing first lets the client validate every structuredContent against the tool's output schema.
  await client.listTools();
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    client,
    engine: testEngine,
    call,
    async ok<T>(name: string, args: Record<string, unknown> = {}) {
      const result = await call(name, args);
      if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
      return result.structuredContent as T;
    },
    async fail(name: string, args: Record<string, unknown> = {}) {
      const result = await call(name, args);
      if (!result.isError) throw new Error(`${name} succeeded but was expected to fail: ${textOf(result)}`);
      return textOf(result);
    },
    async close() {
      await client.close();
      await server.close();
      await testEngine.close();
    },
  };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
}
