import { z } from 'zod';

type JsonObject = { [key: string]: unknown };

// zod's .int() publishes the safe-integer range on every integer; it says nothing a client needs.
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/**
 * JSON Schema for a tool's input or output, inlined (no $ref) and without the $schema marker, because
 * Claude Code and Cursor reject schemas with references. Zod 4 converts its own schemas.
 *
 * tools/list goes into the model's context, so output schemas are kept to their shape: field names and
 * types, no per-field descriptions (the tool description states units) and no closed-object markers.
 * This halves tools/list (test/tools/context-budget.test.ts keeps its size).
 */
export function toJsonSchema(schema: z.ZodObject, io: 'input' | 'output'): { type: 'object' } & JsonObject {
  const { $schema: _marker, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as JsonObject;
  return { ...(slim(json, io, true, new Set()) as JsonObject), type: 'object' };
}

/**
 * The output schema tools/list carries: the names of the result's top-level fields, nothing deeper
 * ({"subscription_id": {}, "subscription": {}, …}). Every result validates against it, a model learns what
 * it will get back, and the whole shape is one describe_tool away (dynamic mode) and in the result itself.
 * With their JSON types too, output schemas were 25 % of the default tools/list; with nested shapes,
 * 160 KB of 297 KB (issue 14).
 */
export function toOutputShape(schema: z.ZodObject): { type: 'object' } & JsonObject {
  return { type: 'object', properties: Object.fromEntries(Object.keys(schema.shape).map((name) => [name, {}])) };
}

/**
 * Drops what says nothing a client needs, and says each thing once:
 * - the safe-integer bounds zod puts on every integer, `propertyNames: {type: string}` (JSON keys are strings)
 *   and `minLength: 1` (the server refuses an empty string with its own message);
 * - `anyOf: [X, {type: null}]` becomes X with `type: [X's type, "null"]`;
 * - a field's description that an earlier field of the same name already gave (the three price variants of
 *   create_product share currency, discount and tax_inclusive: described in the first only);
 * - in outputs, nested descriptions and closed-object markers.
 */
function slim(node: unknown, io: 'input' | 'output', top: boolean, said: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => slim(item, io, false, said));
  if (node === null || typeof node !== 'object') return node;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(nullableMerged(node as JsonObject))) {
    if ((key === 'maximum' || key === 'minimum') && typeof value === 'number' && SAFE_INTEGER_BOUNDS.has(value)) continue;
    if (key === 'propertyNames') continue;
    // "Not empty" says nothing a model would get wrong, on 40-odd id fields; the server still refuses "".
    if (key === 'minLength' && value === 1) continue;
    if (io === 'output' && !top && key === 'description' && typeof value === 'string') continue;
    if (io === 'output' && key === 'additionalProperties' && value === false) continue;
    // `properties` maps field names to schemas: its keys are names, never keywords to drop.
    result[key] =
      key === 'properties' && value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([name, field]) => [name, slim(saidOnce(name, field, said), io, false, said)]))
        : slim(value, io, false, said);
  }
  return result;
}

/** `{anyOf: [{type: "string", …}, {type: "null"}], …}` → `{type: ["string", "null"], …}`; anything else as it is. */
function nullableMerged(node: JsonObject): JsonObject {
  const branches = node.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return node;
  const [value, nothing] = branches as [unknown, unknown];
  const isNull = (b: unknown) => b !== null && typeof b === 'object' && (b as JsonObject).type === 'null' && Object.keys(b).length === 1;
  if (!isNull(nothing) || value === null || typeof value !== 'object' || typeof (value as JsonObject).type !== 'string') return node;
  const { anyOf: _branches, ...rest } = node;
  const typed = value as JsonObject;
  return { ...typed, ...rest, type: [typed.type, 'null'] };
}

/** The field without its description when an earlier field of the same name said the same. */
function saidOnce(name: string, field: unknown, said: Set<string>): unknown {
  if (field === null || typeof field !== 'object') return field;
  const { description, ...rest } = field as JsonObject;
  if (typeof description !== 'string') return field;
  const key = `${name}\u0000${description}`;
  if (said.has(key)) return rest;
  said.add(key);
  return field;
}
