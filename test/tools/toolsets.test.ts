// Rule under test: toolsets (issue 14). Every tool is in exactly one set; the default is at most 40 tools
// and holds every main-job tool; the main-job tools come first in every mode (Cursor sends only its
// first 40); --toolsets and its env twin choose sets, filters apply on top, and --tool, --resource and
// --tools dynamic reach every tool when no set is named. Five entry tools at most are always loaded.
import { describe, expect, test } from 'vitest';
import { parseCliOptions, toolsetsToServe } from '../../src/cli/options.js';
import { servedTools } from '../../src/cli/served-tools.js';
import { buildToolCatalog } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { ENTRY_TOOLS, TOOLSETS, ToolsetError, toolsOfSets } from '../../src/tools/toolsets.js';
import { MAIN_JOB_TOOLS } from '../support/main-jobs.js';

const served = (argv: string[], env: NodeJS.ProcessEnv = {}) => servedTools(ALL_TOOLS, parseCliOptions(argv, env)).map((t) => t.name);

describe('the sets', () => {
  test('every registered tool is in exactly one set, and each set’s core is part of it', () => {
    const names = ALL_TOOLS.map((t) => t.name).sort();
    expect(TOOLSETS.flatMap((set) => set.tools).sort()).toEqual(names);
    for (const set of TOOLSETS)
      expect(
        set.core.filter((name) => !set.tools.includes(name)),
        set.name,
      ).toEqual([]);
  });

  test('the default is at most 40 tools and holds every main-job tool', () => {
    const defaults = served([]);
    expect(defaults.length).toBeLessThanOrEqual(40);
    expect(MAIN_JOB_TOOLS.filter((name) => !defaults.includes(name))).toEqual([]);
  });

  test('in every mode the first 40 tools sent include every main-job tool', () => {
    for (const argv of [[], ['--toolsets=all'], ['--toolsets=default,webhooks,discounts'], ['--tool=list_products', '--tool=get_product']]) {
      const first40 = served(argv).slice(0, 40);
      const expected = MAIN_JOB_TOOLS.filter((name) => served(argv).includes(name));
      expect(
        expected.filter((name) => !first40.includes(name)),
        argv.join(' '),
      ).toEqual([]);
    }
  });

  test('the order is deterministic: the core of every set, then the rest of each chosen set', () => {
    expect(served(['--toolsets=all'])).toEqual(served(['--toolsets=all']));
    const all = toolsOfSets(ALL_TOOLS, ['all']).map((t) => t.name);
    const core = TOOLSETS.flatMap((set) => set.core);
    expect(all.slice(0, core.length)).toEqual(core);
    expect(all).toHaveLength(ALL_TOOLS.length);
    expect(served(['--toolsets=default,webhooks'])).toEqual([
      ...core,
      ...(TOOLSETS.find((set) => set.name === 'webhooks')?.tools ?? []).filter((name) => !core.includes(name)),
    ]);
  });

  test('at most five entry tools, all in the default, are marked anthropic/alwaysLoad', () => {
    expect(ENTRY_TOOLS.length).toBeLessThanOrEqual(5);
    const listing = buildToolCatalog(toolsOfSets(ALL_TOOLS, ['all'])).listing;
    const marked = listing.filter((entry) => entry._meta?.['anthropic/alwaysLoad'] === true).map((entry) => entry.name);
    expect(marked.sort()).toEqual([...ENTRY_TOOLS].sort());
    expect(ENTRY_TOOLS.filter((name) => !served([]).includes(name))).toEqual([]);
  });
});

describe('choosing sets', () => {
  test('--toolsets and BILLING_MCP_TOOLSETS name sets; the flag wins', () => {
    expect(served(['--toolsets=test_clock'])).toEqual(['get_test_clock', 'advance_test_clock']);
    expect(served([], { BILLING_MCP_TOOLSETS: 'test_clock' })).toEqual(['get_test_clock', 'advance_test_clock']);
    expect(served(['--toolsets=licenses'], { BILLING_MCP_TOOLSETS: 'test_clock' })).toContain('update_license_key');
  });

  test('filters apply on top of the sets: --read-only keeps the default’s read tools', () => {
    const reads = served(['--read-only']);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((name) => ALL_TOOLS.find((t) => t.name === name)?.operation === 'read')).toBe(true);
    expect(reads.every((name) => served([]).includes(name))).toBe(true);
    expect(served(['--toolsets=webhooks', '--no-tool=delete_webhook'])).not.toContain('delete_webhook');
  });

  test('naming tools or resources, or dynamic mode, reaches every tool when no set is named', () => {
    expect(served(['--tool=send_test_webhook'])).toEqual(['send_test_webhook']);
    expect(served(['--resource=brands'])).toEqual(['create_brand', 'get_brand', 'list_brands', 'update_brand']);
    expect(toolsetsToServe(parseCliOptions(['--tools=dynamic'], {}))).toEqual(['all']);
    expect(toolsetsToServe(parseCliOptions(['--no-tool=get_product'], {}))).toEqual(['default']);
    // Excluding a tool the chosen sets do not hold is no error.
    expect(served(['--no-tool=send_test_webhook'])).toEqual(served([]));
  });

  test('an unknown set is refused with the valid names', () => {
    expect(() => served(['--toolsets=catalogue'])).toThrow(ToolsetError);
    expect(() => served(['--toolsets=catalogue'])).toThrow(/valid toolsets: default, all, catalog, customers/);
  });
});
