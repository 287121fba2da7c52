// Arguments drawn from a tool's own JSON Schema, for the fuzz tests (test/tools/fuzz.test.ts, and the
// SQLite-against-PostgreSQL differential in test/postgres/differential.test.ts): right types with edge values
// and the ids of a seeded world, wrong types, missing and unknown keys, nested alike.
import fc from 'fast-check';

export type JsonSchema = Record<string, unknown>;

export const edgeStrings = fc.constantFrom(
  '',
  ' ',
  'x',
  'USD',
  'pdt_nope',
  '2025-05-01T00:00:00Z',
  'not a date',
  'https://example.com/x',
  'a'.repeat(300),
  '💳',
  '-1',
  // PostgreSQL's text cannot hold U+0000: refused at the door on both databases (shared/text.ts).
  'nul\u0000here',
);
export const edgeNumbers = fc.constantFrom(-1, 0, 1, 2, 49, 50, 3000, 10_000, 10_001, 2 ** 31, 1e12, 1.5, Number.MAX_SAFE_INTEGER);
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(fc.constant(null), fc.boolean(), edgeNumbers, edgeStrings, fc.constant([]), fc.constant({}));

/** Values for one JSON Schema node: mostly of its type (with edge values and seeded ids), sometimes anything. */
export function valueFor(schema: JsonSchema, depth: number, ids: readonly string[]): fc.Arbitrary<unknown> {
  const members = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  const typed = ((): fc.Arbitrary<unknown> => {
    if (members) return fc.oneof(...members.map((member) => valueFor(member, depth, ids)));
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    if ('const' in schema) return fc.constant(schema.const);
    const type = Array.isArray(schema.type) ? (schema.type as string[])[0] : schema.type;
    switch (type) {
      case 'string':
        return ids.length > 0 ? fc.oneof(fc.constantFrom(...ids), edgeStrings) : edgeStrings;
      case 'integer':
      case 'number':
        return edgeNumbers;
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return depth > 3 ? fc.constant([]) : fc.array(valueFor((schema.items ?? {}) as JsonSchema, depth + 1, ids), { maxLength: 3 });
      case 'object':
        return depth > 3 ? fc.constant({}) : objectFor(schema, depth + 1, ids);
      default:
        return anyJson;
    }
  })();
  return fc.oneof({ arbitrary: typed, weight: 8 }, { arbitrary: anyJson, weight: 1 });
}

/** Each property present or not, now and then an unknown key. */
export function objectFor(schema: JsonSchema, depth: number, ids: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const record = fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [
        name,
        fc.option(valueFor(property, depth, ids), { nil: undefined, freq: required.has(name) ? 10 : 2 }),
      ]),
    ),
  );
  return fc.tuple(record, fc.option(anyJson, { freq: 8 })).map(([value, extra]) => {
    const clean = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
    return extra === null ? clean : { ...clean, unexpected_key: extra };
  });
}
