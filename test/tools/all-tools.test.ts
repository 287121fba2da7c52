// Rule under test: every tool in ALL_TOOLS meets the bar of DESIGN.md "Tools", so tools added later are
// checked without a new test: (a) schemas Claude Code and Cursor accept, (b) bad arguments give
// INVALID_REQUEST_BODY and leave the server answering, (c) a reviewed public shape in __toolsnaps__/.
// A changed or new tool shape fails (c) until accepted with `npx vitest run -u`; review the .json diff.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildToolCatalog } from '../../src/tools/catalog.js';
import type { ToolDefinition } from '../../src/tools/define-tool.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { toolsOfSets } from '../../src/tools/toolsets.js';
import { type ConnectedClient, connectClient, textOf } from '../support/mcp-client.js';

type JsonSchema = { [key: string]: unknown };

const SNAPSHOT_DIR = fileURLToPath(new URL('./__toolsnaps__/', import.meta.url));
const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
const META_TOOLS = [...buildToolCatalog(ALL_TOOLS, true).byName.values()];

let c: ConnectedClient;
let dynamic: ConnectedClient;
const listed = new Map<string, Tool>();

beforeAll(async () => {
  c = await connectClient();
  dynamic = await connectClient({ catalog: buildToolCatalog(ALL_TOOLS, true) });
  for (const tool of [...(await c.client.listTools()).tools, ...(await dynamic.client.listTools()).tools]) {
    listed.set(tool.name, tool);
  }
});
afterAll(async () => {
  await c.close();
  await dynamic.close();
});

function entryOf(name: string): Tool {
  const entry = listed.get(name);
  if (!entry) throw new Error(`${name} is not in tools/list`);
  return entry;
}

function propertiesOf(schema: JsonSchema): [string, JsonSchema][] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties);
}

function requiredOf(schema: JsonSchema): string[] {
  return Array.isArray(schema.required) ? (schema.required as string[]) : [];
}

/** The JSON types a property schema accepts ('integer' counts as 'number'); empty when it accepts anything. */
function acceptedTypes(schema: JsonSchema): Set<string> {
  const types = new Set<string>();
  const add = (value: unknown) => {
    for (const t of Array.isArray(value) ? value : [value]) {
      if (typeof t === 'string') types.add(t === 'integer' ? 'number' : t);
    }
  };
  add(schema.type);
  if ('const' in schema) add(jsonTypeOf(schema.const));
  if (Array.isArray(schema.enum)) schema.enum.forEach((v: unknown) => add(jsonTypeOf(v)));
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const members = schema[key];
    if (Array.isArray(members)) members.forEach((m: JsonSchema) => acceptedTypes(m).forEach((t) => types.add(t)));
  }
  return types;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const WRONG_VALUES: readonly unknown[] = [12345, 'not-valid', true, ['not-valid'], { not: 'valid' }];

/** A value the property's schema rejects by type alone, or undefined when it accepts every type. */
function wrongValueFor(schema: JsonSchema): unknown {
  const accepted = acceptedTypes(schema);
  if (accepted.size === 0) return undefined;
  return WRONG_VALUES.find((value) => !accepted.has(jsonTypeOf(value)));
}

/** `{__bogus: 1}` plus a wrongly typed value for every required property. */
function invalidArgumentsFor(inputSchema: JsonSchema): { args: Record<string, unknown>; named: string[] } {
  const properties = new Map(propertiesOf(inputSchema));
  const args: Record<string, unknown> = { __bogus: 1 };
  const named = ['__bogus'];
  for (const name of requiredOf(inputSchema)) {
    const wrong = wrongValueFor(properties.get(name) ?? {});
    if (wrong === undefined) continue;
    args[name] = wrong;
    named.push(`${name}: `);
  }
  return { args, named };
}

/** Paths of the object schemas with named properties that do not say additionalProperties: false. */
function openObjectsIn(schema: unknown, path: string): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  if (Array.isArray(schema)) return schema.flatMap((member, index) => openObjectsIn(member, `${path}[${index}]`));
  const node = schema as JsonSchema;
  const here = node.type === 'object' && node.properties !== undefined && node.additionalProperties !== false ? [path] : [];
  return [...here, ...Object.entries(node).flatMap(([key, value]) => openObjectsIn(value, `${path}.${key}`))];
}

/** Paths of the array schemas that do not say maxItems. */
function unboundedArraysIn(schema: unknown, path: string): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  if (Array.isArray(schema)) return schema.flatMap((member, index) => unboundedArraysIn(member, `${path}[${index}]`));
  const node = schema as JsonSchema;
  const here = node.type === 'array' && typeof node.maxItems !== 'number' ? [path] : [];
  return [...here, ...Object.entries(node).flatMap(([key, value]) => unboundedArraysIn(value, `${path}.${key}`))];
}

function expectPortable(tool: ToolDefinition): void {
  const entry = entryOf(tool.name);
  expect(tool.name).toMatch(NAME_PATTERN);
  expect(tool.name.length).toBeLessThan(50);
  expect(entry.title, 'title').toBeTruthy();
  expect(entry.description, 'description').toMatch(/\S.{40,}\.$/s);
  // The title is said once, at the top (issue 14: no repetition in tools/list).
  expect(entry.annotations).not.toHaveProperty('title');
  expect(entry.annotations?.readOnlyHint).toBe(tool.operation === 'read');

  for (const [which, schema] of [
    ['inputSchema', entry.inputSchema],
    ['outputSchema', entry.outputSchema],
  ] as const) {
    expect(schema, which).toBeDefined();
    const json = schema as JsonSchema;
    expect(json.type, `${which}.type`).toBe('object');
    for (const combinator of ['anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else']) {
      expect(json, `${which} has a top-level ${combinator}`).not.toHaveProperty(combinator);
    }
    const text = JSON.stringify(json);
    expect(text, `${which} holds a $ref`).not.toContain('"$ref"');
    expect(text, `${which} holds $defs`).not.toMatch(/"(\$defs|definitions)"/);
    for (const name of requiredOf(json)) expect(json.properties, `${which} requires ${name}`).toHaveProperty(name);
  }

  // Strict at every depth and in every union member (issue 13): an unknown key inside `price` would
  // otherwise be dropped silently, and an assistant would report a setting that was never stored.
  expect(openObjectsIn(entry.inputSchema as JsonSchema, 'input'), 'input objects that accept unknown keys').toEqual([]);
  // Every array is bounded (issue 13: 100,000 empty groups in one create_product_collection stalled the
  // server for a minute and answered 19 MB).
  expect(unboundedArraysIn(entry.inputSchema as JsonSchema, 'input'), 'input arrays without maxItems').toEqual([]);

  const undescribed = propertiesOf(entry.inputSchema as JsonSchema)
    .filter(([, property]) => typeof property.description !== 'string' || property.description.trim() === '')
    .map(([name]) => name);
  expect(undescribed, 'input properties without a description').toEqual([]);
}

describe('the registry', () => {
  test('tool names are unique and every tool is listed, in toolset order (the main jobs first)', () => {
    const names = ALL_TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...listed.keys()].slice(0, names.length)).toEqual(toolsOfSets(ALL_TOOLS, ['all']).map((t) => t.name));
  });

  test('every snapshot in __toolsnaps__ belongs to a tool (delete the files of renamed or removed tools)', () => {
    const files = existsSync(SNAPSHOT_DIR) ? readdirSync(SNAPSHOT_DIR) : [];
    const names = new Set(ALL_TOOLS.map((t) => `${t.name}.json`));
    expect(files.filter((file) => !names.has(file))).toEqual([]);
  });
});

describe.each(ALL_TOOLS.map((tool) => [tool.name, tool] as const))('%s', (name, tool) => {
  test('(a) has a portable schema, a title, a description, described inputs and readOnlyHint = operation', () => {
    expectPortable(tool);
  });

  test('(b) bad arguments give INVALID_REQUEST_BODY naming each field, and the server keeps answering', async () => {
    const { args, named } = invalidArgumentsFor(entryOf(name).inputSchema);
    const result = await c.call(name, args);
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(new RegExp(`^INVALID_REQUEST_BODY: invalid arguments for ${name}: .*\\. Next: `));
    for (const fragment of named) expect(text).toContain(fragment);

    // The same arguments through invoke_tool get the same answer: dynamic mode validates alike.
    expect(textOf(await dynamic.call('invoke_tool', { name, arguments: args }))).toBe(text);

    const probe = ALL_TOOLS.find((t) => t.operation === 'read' && requiredOf(entryOf(t.name).inputSchema as JsonSchema).length === 0);
    expect(probe, 'a read tool that needs no arguments').toBeDefined();
    expect((await c.call(probe?.name ?? '', {})).isError).toBeFalsy();
    expect((await dynamic.call('list_tools', {})).isError).toBeFalsy();
  });

  test('(c) public shape matches __toolsnaps__/<name>.json', async () => {
    const { description, inputSchema, outputSchema, annotations } = entryOf(name);
    const shape = { name, description, inputSchema, outputSchema, annotations };
    await expect(`${JSON.stringify(shape, null, 2)}\n`).toMatchFileSnapshot(`./__toolsnaps__/${name}.json`);
  });
});

describe.each(META_TOOLS.map((tool) => [tool.name, tool] as const))('dynamic meta-tool %s', (name, tool) => {
  test('meets the same schema bar', () => {
    expectPortable(tool);
  });

  test('bad arguments give INVALID_REQUEST_BODY', async () => {
    const { args } = invalidArgumentsFor(entryOf(name).inputSchema);
    expect(await dynamic.fail(name, args)).toMatch(/^INVALID_REQUEST_BODY: .*__bogus/);
  });
});
