// Rule under test: flags and BILLING_MCP_<FLAG> env vars → options (DESIGN.md "Filtering and modes"):
// lists are comma-separated or repeated, a flag on the command line replaces its env twin, --read-only means
// read tools only and cannot be combined with --operation=write, and bad values are a UsageError.
import { describe, expect, test } from 'vitest';
import { parseCliOptions, UsageError } from '../../src/cli/options.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCliOptions(argv, env);

describe('defaults', () => {
  test('no flags and no env: every tool, stdio, static tools, the XDG database path', () => {
    const options = parse([], { XDG_DATA_HOME: '/data' });
    expect(options).toMatchObject({
      help: false,
      list: false,
      readOnly: false,
      transport: 'stdio',
      host: '127.0.0.1',
      port: 3000,
      tools: 'static',
      db: '/data/billing-mcp/billing.db',
    });
    expect(options.filter).toEqual({ operations: [], resources: [], excludeResources: [], tools: [], excludeTools: [] });
  });
});

describe('list values', () => {
  test('comma-separated and repeated values combine; blanks are dropped and spaces trimmed', () => {
    const { filter } = parse(['--resource=products, collections', '--resource', 'brands', '--resource=,', '--no-tool=a,b']);
    expect(filter.resources).toEqual(['products', 'collections', 'brands']);
    expect(filter.excludeTools).toEqual(['a', 'b']);
  });

  test('env lists are comma-separated', () => {
    const { filter } = parse([], {
      BILLING_MCP_RESOURCE: 'products,collections',
      BILLING_MCP_NO_RESOURCE: 'brands',
      BILLING_MCP_TOOL: 'get_product',
      BILLING_MCP_NO_TOOL: 'list_products, get_brand',
      BILLING_MCP_OPERATION: 'read',
    });
    expect(filter).toEqual({
      operations: ['read'],
      resources: ['products', 'collections'],
      excludeResources: ['brands'],
      tools: ['get_product'],
      excludeTools: ['list_products', 'get_brand'],
    });
  });
});

describe('flags override env', () => {
  test.each<[string, string[], NodeJS.ProcessEnv, Partial<Record<string, unknown>>]>([
    ['list', ['--resource=addons'], { BILLING_MCP_RESOURCE: 'brands,settings' }, { resources: ['addons'] }],
    ['operation', ['--operation=write'], { BILLING_MCP_OPERATION: 'read' }, { operations: ['write'] }],
    ['exclusions', ['--no-tool=get_brand'], { BILLING_MCP_NO_TOOL: 'list_brands' }, { excludeTools: ['get_brand'] }],
  ])('%s', (_kind, argv, env, expected) => {
    expect(parse(argv, env).filter).toMatchObject(expected);
  });

  test('strings and booleans', () => {
    const options = parse(['--transport=stdio', '--port=4000', '--tools=dynamic', '--read-only'], {
      BILLING_MCP_TRANSPORT: 'http',
      BILLING_MCP_PORT: '5000',
      BILLING_MCP_TOOLS: 'static',
      BILLING_MCP_READ_ONLY: '0',
    });
    expect(options).toMatchObject({ transport: 'stdio', port: 4000, tools: 'dynamic', readOnly: true });
  });

  test('env applies when the flag is absent', () => {
    expect(parse([], { BILLING_MCP_TRANSPORT: 'http', BILLING_MCP_DB: '/tmp/x.db', BILLING_MCP_TOOLS: 'dynamic' })).toMatchObject({
      transport: 'http',
      db: '/tmp/x.db',
      tools: 'dynamic',
    });
  });
});

describe('--read-only', () => {
  test.each([
    [['--read-only'], {}],
    [['--read-only', '--operation=read'], {}],
    [[], { BILLING_MCP_READ_ONLY: 'yes' }],
    [[], { BILLING_MCP_READ_ONLY: 'TRUE' }],
  ])('%j %j: read tools only, database read-only', (argv, env) => {
    const options = parse(argv, env);
    expect(options.readOnly).toBe(true);
    expect(options.filter.operations).toEqual(['read']);
  });

  test.each([
    [['--read-only', '--operation=write'], {}],
    [['--read-only', '--operation=read,write'], {}],
    [['--read-only'], { BILLING_MCP_OPERATION: 'write' }],
    [['--operation=write'], { BILLING_MCP_READ_ONLY: '1' }],
  ])('%j %j conflicts', (argv, env) => {
    const run = () => parse(argv, env);
    expect(run).toThrow(UsageError);
    expect(run).toThrow('--read-only exposes read tools only; it cannot be combined with --operation=write');
  });

  test.each(['0', 'false', 'no', 'off', ''])('BILLING_MCP_READ_ONLY=%j is off', (value) => {
    expect(parse([], { BILLING_MCP_READ_ONLY: value }).readOnly).toBe(false);
  });
});

describe('bad values are usage errors', () => {
  test.each([
    [['--operation=delete'], {}, '--operation must be read or write, got delete'],
    [[], { BILLING_MCP_OPERATION: 'read,admin' }, '--operation must be read or write, got admin'],
    [['--tools=lazy'], {}, '--tools must be static or dynamic, got lazy'],
    [['--transport=ws'], {}, '--transport must be stdio or http, got ws'],
    [['--port=70000'], {}, '--port must be 0–65535, got 70000'],
    [[], { BILLING_MCP_READ_ONLY: 'maybe' }, 'BILLING_MCP_READ_ONLY=maybe is not a boolean; use 1 or 0'],
  ])('%j %j', (argv, env, message) => {
    const run = () => parse(argv, env);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(message);
  });

  test('an unknown flag or a positional argument', () => {
    expect(() => parse(['--resources=brands'])).toThrow(UsageError);
    expect(() => parse(['brands'])).toThrow(UsageError);
  });
});

// Issue 13: --db '' ran on a throwaway database; file:… and postgres://… became folders named after the scheme.
// Issue 17: a postgres:// or postgresql:// URL is a PostgreSQL database; a password never shows in a message.
describe('--db takes a file path or a PostgreSQL URL', () => {
  test.each([['postgres://app:secret@db.example.com:5432/billing'], ['postgresql://localhost/billing?schema=team_a']])(
    '%s is a PostgreSQL database',
    (url) => {
      expect(parse(['--db', url]).db).toBe(url);
      expect(parse([], { BILLING_MCP_DB: url }).db).toBe(url);
    },
  );

  test('--stateless (and BILLING_MCP_STATELESS=1) serve HTTP without sessions; off by default', () => {
    expect(parse([]).stateless).toBe(false);
    expect(parse(['--stateless']).stateless).toBe(true);
    expect(parse([], { BILLING_MCP_STATELESS: '1' }).stateless).toBe(true);
  });

  test.each([
    [['--db', ''], {}, '--db is empty: give the path of the SQLite file, e.g. --db ./billing.db (omit --db for the default)'],
    [[], { BILLING_MCP_DB: ' ' }, '--db is empty'],
    [['--db', 'file:/tmp/x.db'], {}, '--db takes a SQLite file path or a postgres:// URL; "file:/tmp/x.db" is neither: give e.g. --db ./billing.db'],
    [['--db', 'mysql://app:secret@db.example.com/billing'], {}, '"mysql://app:…@db.example.com/billing" is neither'],
    [
      ['--db', 'postgres://app:secret@db.example.com:notaport/billing'],
      {},
      '--db postgres://app:…@db.example.com:notaport/billing is not a valid PostgreSQL URL',
    ],
    [['--db', ':memory:'], {}, '":memory:" is neither'],
  ])('%j %j is refused', (argv, env, message) => {
    const run = () => parse(argv, env);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(message);
  });

  test.each(['./billing.db', '/var/lib/billing/billing.db', 'C:\\Users\\me\\billing.db', 'data/2025:q1.db'])('%s is a path', (path) => {
    expect(parse(['--db', path], {}).db).toBe(path);
  });
});

// DESIGN "Transports": a stdio server starts a loopback page server so checkout_url always answers.
describe('hosted pages', () => {
  test('the page server starts at 3000 by default; --pages-port and its env twin choose another, 0 any', () => {
    expect(parse([]).pagesPort).toBe(3000);
    expect(parse(['--pages-port', '4100']).pagesPort).toBe(4100);
    expect(parse([], { BILLING_MCP_PAGES_PORT: '0' }).pagesPort).toBe(0);
  });

  test('--public-url is an http(s) address kept without its trailing slash', () => {
    expect(parse([]).publicUrl).toBeUndefined();
    expect(parse(['--public-url', 'https://billing.example.com/']).publicUrl).toBe('https://billing.example.com');
    expect(parse([], { BILLING_MCP_PUBLIC_URL: 'http://localhost:8080/pay' }).publicUrl).toBe('http://localhost:8080/pay');
  });

  test.each([
    [['--pages-port', '70000'], /--pages-port must be 0–65535/],
    [['--pages-port', 'x'], /--pages-port must be 0–65535/],
    [['--public-url', 'billing.example.com'], /--public-url must be an http\(s\) URL/],
    [['--public-url', 'ftp://example.com'], /must be http or https/],
    [['--public-url', 'https://example.com/?a=1'], /no query, fragment or credentials/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
