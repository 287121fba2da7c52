import { z } from 'zod';

type JsonObject = { [key: string]: unknown };

/**
 * JSON Schema for a tool's input or output, inlined (no $ref) and without the $schema marker, because
 * Claude Code and Cursor reject schemas with references. Zod 4 converts its own schemas.
 */
export function toJsonSchema(schema: z.ZodObject, io: 'input' | 'output'): { type: 'object' } & JsonObject {
  const { $schema: _marker, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as JsonObject;
  return { ...json, type: 'object' };
}
