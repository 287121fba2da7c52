// Rule under test: the context budget (issue 14). What a client loads into a model's context is bounded:
// tools/list with every tool ≤ 1,500 bytes a tool on average, output schemas included; the default set
// ≤ 45,000 bytes in all; dynamic mode ≤ 3,000 bytes; the server instructions ≤ 1,500 bytes. A change that
// breaks a limit fails here, naming the tools that grew since the recorded sizes in
// __budget__/tools-list-bytes.json (accept a reviewed change with `npx vitest run -u`).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { SERVER_INSTRUCTIONS } from '../../src/server.js';
import { buildToolCatalog, toListEntry } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { toolsOfSets } from '../../src/tools/toolsets.js';

const LIMITS = { allPerTool: 1_500, defaultTotal: 45_000, dynamicTotal: 3_000, instructions: 1_500 };
const RECORD = fileURLToPath(new URL('./__budget__/tools-list-bytes.json', import.meta.url));

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const listingBytes = (tools: typeof ALL_TOOLS, dynamic = false) => bytesOf({ tools: buildToolCatalog(tools, dynamic).listing });

const perTool = Object.fromEntries(toolsOfSets(ALL_TOOLS, ['all']).map((tool) => [tool.name, bytesOf(toListEntry(tool))]));
const modes = {
  all: listingBytes(toolsOfSets(ALL_TOOLS, ['all'])),
  default: listingBytes(toolsOfSets(ALL_TOOLS, ['default'])),
  dynamic: listingBytes(ALL_TOOLS, true),
  instructions: Buffer.byteLength(SERVER_INSTRUCTIONS),
};

/** "create_product 7,136 → 7,400 (+264)" for every tool larger than recorded, largest growth first. */
function grownSinceRecord(): string {
  if (!existsSync(RECORD)) return 'no recorded sizes yet';
  const recorded = (JSON.parse(readFileSync(RECORD, 'utf8')) as { tools: Record<string, number> }).tools;
  const grown = Object.entries(perTool)
    .map(([name, bytes]) => ({ name, bytes, before: recorded[name] ?? 0 }))
    .filter((t) => t.bytes > t.before)
    .sort((a, b) => b.bytes - b.before - (a.bytes - a.before));
  if (grown.length === 0) return 'no tool grew since the recorded sizes';
  return `tools that grew: ${grown.map((t) => `${t.name} ${t.before} → ${t.bytes} (+${t.bytes - t.before})`).join(', ')}`;
}

describe('the context budget', () => {
  test(`every tool: at most ${LIMITS.allPerTool} bytes a tool on average, output schemas included`, () => {
    expect(modes.all / ALL_TOOLS.length, grownSinceRecord()).toBeLessThanOrEqual(LIMITS.allPerTool);
  });

  test(`the default set: at most ${LIMITS.defaultTotal} bytes in all`, () => {
    expect(modes.default, grownSinceRecord()).toBeLessThanOrEqual(LIMITS.defaultTotal);
  });

  test(`dynamic mode: at most ${LIMITS.dynamicTotal} bytes`, () => {
    expect(modes.dynamic).toBeLessThanOrEqual(LIMITS.dynamicTotal);
  });

  test(`the server instructions: at most ${LIMITS.instructions} bytes`, () => {
    expect(modes.instructions).toBeLessThanOrEqual(LIMITS.instructions);
  });

  test('the recorded sizes are current (review the diff, then accept with -u)', async () => {
    await expect(`${JSON.stringify({ modes, tools: perTool }, null, 2)}\n`).toMatchFileSnapshot(RECORD);
  });
});
