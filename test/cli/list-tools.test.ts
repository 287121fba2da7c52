// Rule under test: --list prints exactly what a client is sent, in the order it is sent, with each tool's
// operation, toolset and title, then the count and the size of tools/list (issue 14: toolsets).
import { expect, test } from 'vitest';
import { formatToolList } from '../../src/cli/list-tools.js';
import { parseCliOptions } from '../../src/cli/options.js';
import { servedTools } from '../../src/cli/served-tools.js';
import { buildToolCatalog } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';

function listFor(argv: string[]): string[] {
  const options = parseCliOptions(argv, {});
  const catalog = buildToolCatalog(servedTools(ALL_TOOLS, options), options.tools === 'dynamic');
  return formatToolList([...catalog.byName.values()], catalog.listing).split('\n');
}

test('two resources, in toolset order, with their set, and the size of what is sent', () => {
  const lines = listFor(['--resource=settings,brands']);
  expect(lines.slice(0, -2)).toEqual([
    'get_business_settings                read   business       Get business settings',
    'update_business_settings             write  business       Update business settings',
    'create_brand                         write  business       Create brand',
    'get_brand                            read   business       Get brand',
    'list_brands                          read   business       List brands',
    'update_brand                         write  business       Update brand',
  ]);
  expect(lines.at(-1)).toMatch(/^6 tools, tools\/list [\d,]+ bytes \(about [\d,]+ tokens\)$/);
});

test('one tool is counted in the singular; no tools print only the count', () => {
  expect(listFor(['--tool=get_business_settings'])[0]).toBe('get_business_settings                read   business       Get business settings');
  expect(listFor(['--tool=get_business_settings']).at(-1)).toMatch(/^1 tool, /);
  expect(listFor(['--tool=get_brand', '--resource=settings'])).toEqual(['', expect.stringMatching(/^0 tools, /)]);
});

test('dynamic mode lists the three meta-tools a client is sent', () => {
  expect(
    listFor(['--tools=dynamic'])
      .slice(0, 3)
      .map((line) => line.split(/\s+/)[0]),
  ).toEqual(['list_tools', 'describe_tool', 'invoke_tool']);
});
