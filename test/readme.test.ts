// Rule under test: README.md documents what the code has: the tool list is the registry's, and the Flags table
// has a row for every flag in src/cli/options.ts (FLAGS and USAGE) with its env twin and an example that parses.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  diffHint,
  extractToolList,
  extractToolsetTable,
  firstSentence,
  renderToolList,
  renderToolsetTable,
  TOOLS_END,
  TOOLS_START,
  toolsetRows,
} from '../scripts/readme-tools-lib.mjs';
import { parseCliOptions, USAGE } from '../src/cli/options.js';
import { buildToolCatalog } from '../src/tools/catalog.js';
import { ALL_TOOLS } from '../src/tools/index.js';
import { TOOLSETS, toolsOfSets } from '../src/tools/toolsets.js';
import { README_PATH, ROOT_DIR, readReadme, section, shellWords } from './support/readme.js';

const readme = readReadme();

/** The keys of `const FLAGS = { … } as const` in options.ts: the parser's own list, not a copy of it. */
function flagsFromSource(): string[] {
  const source = readFileSync(join(ROOT_DIR, 'src', 'cli', 'options.ts'), 'utf8');
  const body = /const FLAGS = \{([\s\S]*?)\n\} as const;/.exec(source)?.[1];
  if (body === undefined) throw new Error('src/cli/options.ts: no `const FLAGS = { … } as const;` block');
  return [...body.matchAll(/^\s*'?([a-z][a-z-]*)'?\s*:/gm)].map((m) => m[1] ?? '');
}

function flagsFromUsage(): string[] {
  return [...USAGE.matchAll(/(?:^|[\s,])--([a-z][a-z-]*)/g)].map((m) => m[1] ?? '');
}

interface FlagRow {
  flags: string[];
  env: string;
  example: string;
}

/** The rows of the table in "## Flags": | `--flag ARG` | `BILLING_MCP_…` | what | `billing-mcp …` |. */
function flagRows(): FlagRow[] {
  return section(readme, 'Flags')
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim());
      return {
        flags: [...(cells[0] ?? '').matchAll(/`--([a-z][a-z-]*)/g)].map((m) => m[1] ?? ''),
        env: cells[1] ?? '',
        example: /^`([^`]*)`$/.exec(cells[3] ?? '')?.[1] ?? '',
      };
    });
}

const envTwin = (flag: string): string => `BILLING_MCP_${flag.toUpperCase().replace(/-/g, '_')}`;

describe('README tool list', () => {
  test('matches the registry (regenerate with: npm run readme:tools)', () => {
    const actual = extractToolList(readme);
    expect(actual, `README.md has no ${TOOLS_START} … ${TOOLS_END} block`).not.toBeNull();
    const expected = renderToolList(ALL_TOOLS);
    expect(actual, `README.md's tool list is out of date; run npm run readme:tools\n${diffHint(actual ?? '', expected)}`).toBe(expected);
  });

  test('the toolset table (tools, bytes and tokens per set) matches the registry (regenerate with: npm run readme:tools)', () => {
    const expected = renderToolsetTable(toolsetRows({ ALL_TOOLS, TOOLSETS, toolsOfSets, buildToolCatalog }));
    const actual = extractToolsetTable(readme);
    expect(actual, `README.md's toolset table is out of date; run npm run readme:tools\n${diffHint(actual ?? '', expected)}`).toBe(expected);
  });

  test('names every tool once, under its resource', () => {
    const block = extractToolList(readme) ?? '';
    for (const tool of ALL_TOOLS) expect(block.split(`| \`${tool.name}\` | ${tool.operation} |`)).toHaveLength(2);
  });

  test.each([
    ['Creates a product. Amounts are cents.', 'Creates a product.'],
    ['Costs 3000 = $30.00. Then more.', 'Costs 3000 = $30.00.'],
    ['Adds a group (e.g. "Annual") last. More.', 'Adds a group (e.g. "Annual") last.'],
    ['Renames it (null clears it). product_order lists items.', 'Renames it (null clears it).'],
    ['No full stop', 'No full stop'],
  ])('the first sentence of %j is %j', (description, sentence) => {
    expect(firstSentence(description)).toBe(sentence);
  });

  test('scripts/readme-tools.mjs --check passes on README.md and fails with a hint on a stale copy', () => {
    const script = join(ROOT_DIR, 'scripts', 'readme-tools.mjs');
    const ok = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'billing-mcp-readme-'));
    try {
      const stale = join(dir, 'README.md');
      writeFileSync(stale, readme.replace(/\| `get_product` \| read \|[^\n]*/, '| `get_product` | read | Old text. |'));
      const failed = spawnSync(process.execPath, [script, '--check', stale], { encoding: 'utf8' });
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain('- | `get_product` | read | Old text. |');
      expect(failed.stderr).toContain('npm run readme:tools');

      const written = spawnSync(process.execPath, [script, '--write', stale], { encoding: 'utf8' });
      expect(written.status, written.stderr).toBe(0);
      expect(readFileSync(stale, 'utf8')).toBe(readFileSync(README_PATH, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('README flags', () => {
  const rows = flagRows();
  const documented = new Set(rows.flatMap((row) => row.flags));
  const known = [...new Set([...flagsFromSource(), ...flagsFromUsage()])];

  test('the parser and the usage text agree on the flags', () => {
    expect(flagsFromSource().length).toBeGreaterThan(10);
    expect(new Set(flagsFromUsage())).toEqual(new Set(flagsFromSource()));
  });

  test.each(known)('--%s has a row in the Flags table', (flag) => {
    expect(documented.has(flag), `README.md "## Flags" has no row for --${flag}`).toBe(true);
  });

  test('every documented flag exists', () => {
    expect([...documented].filter((flag) => !known.includes(flag))).toEqual([]);
  });

  test.each(rows.map((row) => [row.flags.join(', '), row] as const))('--%s: env twin and an example that parses', (_name, row) => {
    const flag = row.flags[row.flags.length - 1] ?? '';
    if (flag === 'help' || flag === 'version') expect(row.env).toBe('—');
    else expect(row.env).toBe(`\`${envTwin(flag)}\``);

    const words = shellWords(row.example);
    expect(words[0], `the example for --${flag} should start with billing-mcp`).toBe('billing-mcp');
    expect(words, `the example for --${flag} should use it`).toContain(`--${flag}`);
    expect(() => parseCliOptions(words.slice(1), {})).not.toThrow();
  });
});
