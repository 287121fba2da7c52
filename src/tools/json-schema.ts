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
 * With 70 tools this halves tools/list.
 */
export function toJsonSchema(schema: z.ZodObject, io: 'input' | 'output'): { type: 'object' } & JsonObject {
  const { $schema: _marker, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as JsonObject;
  return { ...(slim(json, io, true) as JsonObject), type: 'object' };
}

function slim(node: unknown, io: 'input' | 'output', top: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => slim(item, io, false));
  if (node === null || typeof node !== 'object') return node;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'maximum' || key === 'minimum') && typeof value === 'number' && SAFE_INTEGER_BOUNDS.has(value)) continue;
    if (io === 'output' && !top && key === 'description' && typeof value === 'string') continue;
    if (io === 'output' && key === 'additionalProperties' && value === false) continue;
    // `properties` maps field names to schemas: its keys are names, never keywords to drop.
    result[key] =
      key === 'properties' && value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([name, field]) => [name, slim(field, io, false)]))
        : slim(value, io, false);
  }
  return result;
}
