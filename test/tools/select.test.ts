// Rule under test: tool selection (DESIGN.md "Filtering and modes") — values of one kind are ORed, kinds
// are ANDed, exclusions apply last, `*` is a wildcard, --read-only = --operation=read, env vars
// BILLING_MCP_<FLAG> apply unless the flag is given, and an unknown tool or resource lists the valid ones.
import { describe, expect, test } from 'vitest';
import { parseCliOptions } from '../../src/cli/options.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { selectTools, ToolFilterError } from '../../src/tools/select.js';

function select(argv: string[], env: NodeJS.ProcessEnv = {}): string[] {
  return selectTools(ALL_TOOLS, parseCliOptions(argv, env).filter).map((t) => t.name);
}

const BRANDS = ['create_brand', 'get_brand', 'list_brands', 'update_brand'];
const ADDONS = ['create_addon', 'get_addon', 'list_addons', 'update_addon'];
const SETTINGS = ['get_business_settings', 'update_business_settings'];

describe('flag combinations select exactly these tools (registry order)', () => {
  test.each<[string, string[], NodeJS.ProcessEnv, string[]]>([
    ['one resource', ['--resource=brands'], {}, BRANDS],
    ['a wildcard resource', ['--resource=add*'], {}, ADDONS],
    ['wildcards, comma-separated', ['--resource=bra*,sett*'], {}, [...BRANDS, ...SETTINGS]],
    [
      'repeated resources are ORed, ANDed with the operation',
      ['--operation=read', '--resource=brands', '--resource=settings'],
      {},
      ['get_brand', 'list_brands', 'get_business_settings'],
    ],
    [
      'comma-separated resources equal repeated ones',
      ['--operation=read', '--resource=brands,settings'],
      {},
      ['get_brand', 'list_brands', 'get_business_settings'],
    ],
    [
      'write tools of two resources',
      ['--resource', 'brands,settings', '--operation', 'write'],
      {},
      ['create_brand', 'update_brand', 'update_business_settings'],
    ],
    ['both operations ORed = no restriction', ['--operation=read', '--operation=write', '--resource=settings'], {}, SETTINGS],
    ['tools are ORed among themselves, in registry order', ['--tool=get_brand', '--tool=get_addon'], {}, ['get_addon', 'get_brand']],
    ['tools ANDed with the operation', ['--tool=get_brand,create_brand', '--operation=read'], {}, ['get_brand']],
    ['a tool outside the resource selects nothing', ['--tool=get_brand', '--resource=addons'], {}, []],
    ['--no-tool drops a tool', ['--resource=brands', '--no-tool=create_brand'], {}, ['get_brand', 'list_brands', 'update_brand']],
    ['--no-resource applies after --resource', ['--resource=brands,addons', '--no-resource=addons'], {}, BRANDS],
    ['--no-resource with a wildcard', ['--resource=brands,addons,settings', '--no-resource=a*,s*'], {}, BRANDS],
    ['an exclusion beats an explicit include', ['--tool=create_brand,get_brand', '--no-tool=create_brand'], {}, ['get_brand']],
    ['--read-only keeps the read tools', ['--read-only', '--resource=settings,brands'], {}, ['get_brand', 'list_brands', 'get_business_settings']],
    ['--read-only drops an explicit write tool', ['--read-only', '--tool=create_brand'], {}, []],
    ['env resource', [], { BILLING_MCP_RESOURCE: 'brands' }, BRANDS],
    [
      'env comma list with spaces',
      [],
      { BILLING_MCP_RESOURCE: 'brands, settings', BILLING_MCP_OPERATION: 'write' },
      ['create_brand', 'update_brand', 'update_business_settings'],
    ],
    ['the flag replaces the env value of its kind', ['--resource=addons'], { BILLING_MCP_RESOURCE: 'brands' }, ADDONS],
    ['env of another kind still applies', ['--resource=addons'], { BILLING_MCP_OPERATION: 'read' }, ['get_addon', 'list_addons']],
    ['env read-only', ['--resource=settings'], { BILLING_MCP_READ_ONLY: '1' }, ['get_business_settings']],
    ['env exclusions', ['--resource=brands'], { BILLING_MCP_NO_TOOL: 'update_brand,create_brand' }, ['get_brand', 'list_brands']],
    ['env tool list', [], { BILLING_MCP_TOOL: 'get_addon,get_business_settings' }, ['get_addon', 'get_business_settings']],
  ])('%s', (_label, argv, env, expected) => {
    expect(select(argv, env)).toEqual(expected);
  });
});

describe('unbounded selections', () => {
  test('no flags select every tool in registry order', () => {
    expect(select([])).toEqual(ALL_TOOLS.map((t) => t.name));
  });

  test.each<[string[], NodeJS.ProcessEnv]>([
    [['--operation=read'], {}],
    [['--read-only'], {}],
    [[], { BILLING_MCP_READ_ONLY: 'true' }],
  ])('%j %j selects exactly the tools whose readOnlyHint is true', (argv, env) => {
    const expected = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
    expect(expected.length).toBeGreaterThan(0);
    expect(select(argv, env)).toEqual(expected);
  });

  test('--operation=write selects exactly the others', () => {
    expect(select(['--operation=write'])).toEqual(ALL_TOOLS.filter((t) => !t.annotations.readOnlyHint).map((t) => t.name));
  });
});

describe('unknown names are an error that lists the valid ones', () => {
  const tools = ALL_TOOLS.map((t) => t.name).join(', ');
  const resources = [...new Set(ALL_TOOLS.map((t) => t.resource))].join(', ');

  test.each([
    [['--tool=get_brandz'], `unknown tool "get_brandz"; valid tools: ${tools}`],
    [['--no-tool=get_brandz'], `unknown tool "get_brandz"; valid tools: ${tools}`],
    [['--resource=brand'], `unknown resource "brand"; valid resources: ${resources}`],
    [['--no-resource=Brands'], `unknown resource "Brands"; valid resources: ${resources}`],
    [['--resource=zz*'], `unknown resource "zz*"; valid resources: ${resources}`],
    [['--resource=brands,nope'], `unknown resource "nope"; valid resources: ${resources}`],
  ])('%j', (argv, message) => {
    const run = () => select(argv);
    expect(run).toThrow(ToolFilterError);
    expect(run).toThrow(message);
  });

  test('an unknown name from the environment is an error too', () => {
    expect(() => select([], { BILLING_MCP_TOOL: 'nope' })).toThrow(`unknown tool "nope"; valid tools: ${tools}`);
  });

  test('the listed names include the resources and tools of this change', () => {
    expect(resources.split(', ')).toEqual(expect.arrayContaining(['products', 'addons', 'brands', 'settings']));
    expect(tools.split(', ')).toEqual(expect.arrayContaining([...BRANDS, ...ADDONS, ...SETTINGS]));
  });
});
