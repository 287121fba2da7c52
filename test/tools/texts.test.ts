// Rule under test (issue 13 "Words an assistant reads"): every text a client can see — each tool's
// description and schema descriptions, and every string in the server's source (error messages and next
// steps among them) — refers only to what the client can follow: no SPEC sections, seeds or ambiguity
// numbers (the client never sees SPEC.md), and every tool a text names exists. A tool's own texts name only
// fields, values and tools it has.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { toListEntry } from '../../src/tools/catalog.js';
import { toJsonSchema } from '../../src/tools/json-schema.js';
import { ALL_TOOLS } from '../../src/tools/index.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const TOOL_NAMES = new Set([...ALL_TOOLS.map((t) => t.name), 'list_tools', 'describe_tool', 'invoke_tool']);
const UNFOLLOWABLE = /\bSPEC\b|§|\bAMBIG|\bseed 0\d\d\b/;
const TOOL_LIKE =
  /\b(?:get|list|create|update|delete|archive|unarchive|add|remove|complete|change|preview|cancel|charge|ingest|validate|activate|deactivate|advance|rotate|retry|send|invoke|describe)_[a-z0-9_]+\b/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every string literal and template text in a file, comments left out (walks TypeScript's syntax tree). */
function stringsOf(path: string): string[] {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, false);
  const strings: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) strings.push(node.text);
    else if (ts.isTemplateExpression(node)) strings.push(node.head.text, ...node.templateSpans.map((span) => span.literal.text));
    ts.forEachChild(node, visit);
  };
  visit(file);
  return strings;
}

/** Property names and enum values anywhere in a JSON Schema. */
function namesIn(schema: unknown, into = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== 'object') return into;
  if (Array.isArray(schema)) {
    for (const member of schema) namesIn(member, into);
    return into;
  }
  const node = schema as Record<string, unknown>;
  if (node.properties && typeof node.properties === 'object') for (const key of Object.keys(node.properties)) into.add(key);
  if (Array.isArray(node.enum)) for (const value of node.enum) if (typeof value === 'string') into.add(value);
  if (typeof node.const === 'string') into.add(node.const);
  for (const value of Object.values(node)) namesIn(value, into);
  return into;
}

function descriptionsIn(schema: unknown, into: string[] = []): string[] {
  if (schema === null || typeof schema !== 'object') return into;
  if (Array.isArray(schema)) {
    for (const member of schema) descriptionsIn(member, into);
    return into;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' && typeof value === 'string') into.push(value);
    else descriptionsIn(value, into);
  }
  return into;
}

// The whole output shape (describe_tool's), not tools/list's top-level summary: texts may name nested fields.
const ENTRIES = ALL_TOOLS.map((tool) => ({ ...toListEntry(tool), outputSchema: toJsonSchema(tool.output, 'output') }));
const EVERY_NAME = new Set(ENTRIES.flatMap((entry) => [...namesIn(entry.inputSchema), ...namesIn(entry.outputSchema)]));

describe('texts a client reads', () => {
  test('no string in src/ cites SPEC sections, seeds or ambiguity numbers', () => {
    const cited = sourceFiles(SRC).flatMap((path) =>
      stringsOf(path)
        .filter((text) => UNFOLLOWABLE.test(text))
        .map((text) => `${path.slice(SRC.length)}: ${text}`),
    );
    expect(cited).toEqual([]);
  });

  test('every tool a sentence in src/ names exists (field names that look like tools are fields of some tool)', () => {
    const unknown = sourceFiles(SRC).flatMap((path) =>
      stringsOf(path)
        .filter((text) => text.includes(' '))
        .flatMap((text) =>
          [...text.matchAll(TOOL_LIKE)]
            .map((m) => m[0])
            .filter((name) => !TOOL_NAMES.has(name) && !EVERY_NAME.has(name))
            .map((name) => `${path.slice(SRC.length)}: ${name}`),
        ),
    );
    expect([...new Set(unknown)]).toEqual([]);
  });

  // A field a text names must be one the client can find: the tool's own, or one of a tool the same text
  // names ("set expires_at with update_discount"). Names inside {…} spell a JSON body; after "e.g." an example.
  test.each(ENTRIES.map((entry) => [entry.name, entry] as const))(
    '%s: its texts name only fields it has or of the tools they name',
    (_name, entry) => {
      const own = new Set([...namesIn(entry.inputSchema), ...namesIn(entry.outputSchema)]);
      const texts = [entry.description ?? '', ...descriptionsIn(entry.inputSchema), ...descriptionsIn(entry.outputSchema)];
      const strangers = texts.flatMap((text) => {
        const named = new Set([...text.matchAll(/\b[a-z]+(?:_[a-z0-9]+)+\b/g)].map((m) => m[0]).filter((word) => TOOL_NAMES.has(word)));
        const theirs = new Set(
          ENTRIES.filter((other) => named.has(other.name)).flatMap((other) => [...namesIn(other.inputSchema), ...namesIn(other.outputSchema)]),
        );
        const prose = text.replace(/\{[^}]*\}/g, ' ').replace(/e\.g\. \S+/g, ' ');
        // snake_case words, and single words used as a flag ("when confirm is true").
        const words = [...prose.matchAll(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g), ...prose.matchAll(/\b([a-z][a-z0-9_]*) is (?:true|false)\b/g)].map(
          (m) => m[1] ?? m[0],
        );
        return words.filter((word) => !own.has(word) && !TOOL_NAMES.has(word) && !theirs.has(word));
      });
      expect([...new Set(strangers)]).toEqual([]);
    },
  );
});
