import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { z } from 'zod';
import { buildServer } from '../../src/server.js';
import type { ToolCatalog } from '../../src/tools/catalog.js';
import type { ToolDefinition } from '../../src/tools/define-tool.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
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

export interface ClientOptions {
  /** The tools the server exposes (buildServer's option); default every tool, as buildServer serves them. */
  catalog?: ToolCatalog;
}

/**
 * One Ajv for every client this module makes (a vitest worker's, when test files share modules), and each
 * schema compiled once, keyed by its JSON text, on the first result it checks: compiling the ~100 listed
 * output schemas for every new client was most of a tool test's set-up, though a test calls a few tools.
 * A compiled validator keeps no state between inputs, so sharing it across clients and engines changes
 * no verdict, and every result is still checked.
 */
const ajv = new AjvJsonSchemaValidator();
const compiled = new Map<string, JsonSchemaValidator<unknown>>();
/** The validator of the schema whose JSON text is `json`. */
function compiledFor(json: string): JsonSchemaValidator<unknown> {
  let validator = compiled.get(json);
  if (!validator) {
    validator = ajv.getValidator<unknown>(JSON.parse(json) as JsonSchemaType);
    compiled.set(json, validator);
  }
  return validator;
}
const sharedValidators: jsonSchemaValidator = {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    // The schema as listed now: a test that later edits the listed object changes nothing here.
    const json = JSON.stringify(schema);
    let validator: JsonSchemaValidator<unknown> | undefined;
    // The SDK asks for T only to type what a valid input is; the check is the same for every T.
    return (input) => (validator ??= compiledFor(json))(input) as ReturnType<JsonSchemaValidator<T>>;
  },
};

const DEFAULT_TOOLS: ReadonlyMap<string, ToolDefinition> = new Map(ALL_TOOLS.map((tool) => [tool.name, tool]));
const declaredOutputs = new WeakMap<ToolDefinition, JsonSchemaValidator<unknown>>();

/**
 * tools/list publishes only the names of a result's top-level fields (src/tools/json-schema.ts), so the
 * SDK client's own check accepts any object. Every structuredContent is also checked here against the
 * tool's whole declared output schema: every field and type, required fields present, no undeclared keys.
 */
function expectDeclaredOutput(tool: ToolDefinition, structured: Record<string, unknown>): void {
  let validate = declaredOutputs.get(tool);
  if (!validate) {
    const { $schema: _draft, ...schema } = z.toJSONSchema(tool.output, { io: 'output', unrepresentable: 'any', reused: 'inline', target: 'draft-7' });
    validate = compiledFor(JSON.stringify(schema));
    declaredOutputs.set(tool, validate);
  }
  const verdict = validate(structured);
  if (!verdict.valid) throw new Error(`${tool.name} returned structuredContent its output schema rejects: ${verdict.errorMessage}`);
}

/**
 * The SDK's real client over an in-memory linked transport pair, against buildServer on a test engine (a
 * fresh in-memory database unless `engine` is given). Each call builds a new server and client; what
 * they share with earlier ones is code only: buildServer's default catalog and the compiled validators.
 */
export async function connectClient(options: ClientOptions = {}, engine?: TestEngine): Promise<ConnectedClient> {
  const testEngine = engine ?? (await createTestEngine());
  const server = buildServer(testEngine, options);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'billing-mcp-tests', version: '0.0.0' }, { jsonSchemaValidator: sharedValidators });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  // Listing first makes the SDK client check each structuredContent against the listed output schema, as any client would.
  await client.listTools();
  const served = options.catalog?.byName ?? DEFAULT_TOOLS;
  // invoke_tool answers with the invoked tool's own result, so that tool's schema is the one to hold it to.
  const answering = (name: string, args: Record<string, unknown>) =>
    name === 'invoke_tool' && typeof args.name === 'string' ? options.catalog?.selected.find((t) => t.name === args.name) : served.get(name);
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    const tool = answering(name, args);
    if (result.structuredContent && tool) expectDeclaredOutput(tool, result.structuredContent);
    return result;
  };
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
