import { parseArgs } from 'node:util';
import { join } from 'node:path';
import envPaths from 'env-paths';
import type { Operation } from '../tools/define-tool.js';
import type { ToolFilter } from '../tools/select.js';

export interface CliOptions {
  help: boolean;
  version: boolean;
  list: boolean;
  /** The SQLite file, or a PostgreSQL URL (postgres://…; see isPostgresUrl). */
  db: string;
  /** --stateless: Streamable HTTP without sessions, for replicas behind a load balancer (transports/http-stateless.ts). */
  stateless: boolean;
  demo: boolean;
  readOnly: boolean;
  transport: 'stdio' | 'http';
  host: string;
  port: number;
  authToken: string | undefined;
  /** Extra Host header names accepted besides the bound host and loopback names (a proxy's name). */
  allowedHosts: string[];
  /** Browser origins allowed to call the HTTP server besides its own. */
  allowedOrigins: string[];
  /** Requests per minute per client address on the public /licenses/* HTTP endpoints; 0 = no limit. */
  licenseRateLimit: number;
  /** stdio only: the first port the loopback page server tries (next free one if taken); 0 = any free port. */
  pagesPort: number;
  /** The address links (checkout_url, portal links) name, when a proxy or port mapping sits in front. */
  publicUrl: string | undefined;
  tools: 'static' | 'dynamic';
  /** --toolsets as given (`default`, `all`, set names); undefined when not given (see toolsetsToServe). */
  toolsets: string[] | undefined;
  filter: ToolFilter;
}

/** The stdio page server's first port: the HTTP transport's default, as links read the same either way. */
export const DEFAULT_PAGES_PORT = 3000;

/** A bad flag or value: the CLI prints it with the usage and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Every flag, with its env twin BILLING_MCP_<FLAG> (dashes become underscores). */
const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  list: { type: 'boolean' },
  db: { type: 'string' },
  demo: { type: 'boolean' },
  'read-only': { type: 'boolean' },
  stateless: { type: 'boolean' },
  transport: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'auth-token': { type: 'string' },
  'allowed-hosts': { type: 'string', multiple: true },
  'allowed-origins': { type: 'string', multiple: true },
  'license-rate-limit': { type: 'string' },
  'pages-port': { type: 'string' },
  'public-url': { type: 'string' },
  tools: { type: 'string' },
  toolsets: { type: 'string', multiple: true },
  operation: { type: 'string', multiple: true },
  resource: { type: 'string', multiple: true },
  'no-resource': { type: 'string', multiple: true },
  tool: { type: 'string', multiple: true },
  'no-tool': { type: 'string', multiple: true },
} as const;

type FlagName = keyof typeof FLAGS;

export const USAGE = `Usage: billing-mcp [options]

An MCP server with an embedded billing engine on SQLite (Dodo Payments API semantics, test mode).

Database
  --db PATH|URL          SQLite file (default: $XDG_DATA_HOME/billing-mcp/billing.db), or a PostgreSQL
                         15+ database: postgres://user:password@host:5432/db (?schema=NAME optional)
  --demo                 fill an empty database with a sample catalog
  --read-only            expose read tools only and open the database read-only

Transport
  --transport stdio|http stdio (default) or Streamable HTTP at /mcp plus SSE at /sse
  --host HOST            HTTP bind address (default 127.0.0.1)
  --port PORT            HTTP port (default 3000)
  --auth-token TOKEN     bearer token for HTTP; required when the host is not loopback
  --allowed-hosts NAME   extra Host header names to accept (repeatable, comma-separated)
  --allowed-origins URL  browser origins allowed to call the server (repeatable, comma-separated)
  --license-rate-limit N requests a minute per address on the public /licenses/* endpoints (default 120; 0 = off)
  --stateless            HTTP without MCP sessions: any replica answers any request (replicas on one
                         PostgreSQL database behind a load balancer); no GET stream, no legacy SSE

Hosted pages (checkout_url, customer portal links)
  --pages-port PORT      stdio: the loopback port of the page server (default 3000, else the next free
                         one; 0 = any). Over HTTP the pages share --port
  --public-url URL       the address links name, when a proxy or a port mapping sits in front

Tools
  --toolsets NAME,...    sets by job: catalog, customers, checkout, subscriptions, usage, licenses,
                         test_clock, webhooks, discounts, business; default (the main jobs, at most
                         40 tools) or all. Omitted: default, or all with --tool, --resource or
                         --tools dynamic
Filters on top of the toolsets (values of one kind are ORed, kinds ANDed, exclusions last)
  --operation read|write only read or only write tools
  --resource NAME        only these resources; * is a wildcard (license*)
  --no-resource NAME     drop these resources
  --tool NAME            only these tools
  --no-tool NAME         drop these tools
  --tools static|dynamic every tool (default), or three meta-tools: list_tools, describe_tool, invoke_tool
  --list                 print exactly the tools a client is sent, in order, and exit

  -h, --help             this text
  -v, --version          the version

Every flag can also be set as an environment variable BILLING_MCP_<FLAG>, e.g. BILLING_MCP_READ_ONLY=1,
BILLING_MCP_RESOURCE=products,collections. Flags given on the command line win.`;

export function defaultDatabasePath(env: NodeJS.ProcessEnv): string {
  // env-paths honours XDG_DATA_HOME on Linux and uses the platform's data folder on macOS and Windows.
  const dataHome = env.XDG_DATA_HOME;
  const base = dataHome ? join(dataHome, 'billing-mcp') : envPaths('billing-mcp', { suffix: '' }).data;
  return join(base, 'billing.db');
}

/**
 * The toolsets to serve: as given, else `default`, except when the flags name tools or resources or ask
 * for dynamic mode, which reach every tool: `--tool create_webhook` alone serves create_webhook.
 */
export function toolsetsToServe(options: Pick<CliOptions, 'toolsets' | 'tools' | 'filter'>): string[] {
  if (options.toolsets !== undefined) return options.toolsets;
  const namesTools = (options.filter.tools?.length ?? 0) > 0 || (options.filter.resources?.length ?? 0) > 0;
  return namesTools || options.tools === 'dynamic' ? ['all'] : ['default'];
}

/** Flags and environment → options. Pure, so every combination is testable without starting anything. */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let values: Partial<Record<FlagName, string | boolean | string[]>>;
  try {
    values = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  const str = (name: FlagName): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : envValue(env, name);
  };
  const bool = (name: FlagName): boolean => {
    const value = values[name];
    if (typeof value === 'boolean') return value;
    const fromEnv = envValue(env, name);
    if (fromEnv === undefined) return false;
    if (/^(1|true|yes|on)$/i.test(fromEnv)) return true;
    if (/^(0|false|no|off|)$/i.test(fromEnv)) return false;
    throw new UsageError(`${envName(name)}=${fromEnv} is not a boolean; use 1 or 0`);
  };
  const list = (name: FlagName): string[] => {
    const value = values[name];
    const raw = Array.isArray(value) ? value : (envValue(env, name)?.split(',') ?? []);
    return raw
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
  };

  const transport = str('transport') ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') throw new UsageError(`--transport must be stdio or http, got ${transport}`);
  const tools = str('tools') ?? 'static';
  if (tools !== 'static' && tools !== 'dynamic') throw new UsageError(`--tools must be static or dynamic, got ${tools}`);
  const portText = str('port') ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got ${portText}`);

  const rateText = str('license-rate-limit') ?? '120';
  const licenseRateLimit = Number(rateText);
  if (!Number.isInteger(licenseRateLimit) || licenseRateLimit < 0) {
    throw new UsageError(`--license-rate-limit must be a whole number ≥ 0 (0 = no limit), got ${rateText}`);
  }

  const pagesPortText = str('pages-port') ?? String(DEFAULT_PAGES_PORT);
  const pagesPort = Number(pagesPortText);
  if (!Number.isInteger(pagesPort) || pagesPort < 0 || pagesPort > 65535) throw new UsageError(`--pages-port must be 0–65535, got ${pagesPortText}`);
  const publicUrl = publicUrlOf(str('public-url'));

  const readOnly = bool('read-only');
  const operations = list('operation').map((op): Operation => {
    if (op !== 'read' && op !== 'write') throw new UsageError(`--operation must be read or write, got ${op}`);
    return op;
  });
  if (readOnly && operations.includes('write')) {
    throw new UsageError('--read-only exposes read tools only; it cannot be combined with --operation=write');
  }

  return {
    help: bool('help'),
    version: bool('version'),
    list: bool('list'),
    db: databasePathOf(str('db')) ?? defaultDatabasePath(env),
    demo: bool('demo'),
    readOnly,
    stateless: bool('stateless'),
    transport,
    host: str('host') ?? '127.0.0.1',
    port,
    authToken: str('auth-token') || undefined,
    allowedHosts: list('allowed-hosts'),
    allowedOrigins: list('allowed-origins'),
    licenseRateLimit,
    pagesPort,
    publicUrl,
    tools,
    toolsets: values.toolsets === undefined && envValue(env, 'toolsets') === undefined ? undefined : list('toolsets'),
    filter: {
      operations: readOnly ? ['read'] : operations,
      resources: list('resource'),
      excludeResources: list('no-resource'),
      tools: list('tool'),
      excludeTools: list('no-tool'),
    },
  };
}

/**
 * The --db value when it names what this server serves: a file path. An empty value would run on a
 * throwaway database and lose everything; a URL (file:…, postgres://…) would become a folder named after
 * its scheme with a SQLite file inside. Both are refused.
 */
/** A PostgreSQL connection URL (postgres:// or postgresql://), which --db accepts beside a SQLite path. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

function databasePathOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '')
    throw new UsageError('--db is empty: give the path of the SQLite file, e.g. --db ./billing.db (omit --db for the default)');
  if (isPostgresUrl(value)) {
    try {
      new URL(value);
    } catch {
      throw new UsageError(`--db ${redactedUrl(value)} is not a valid PostgreSQL URL: give e.g. postgres://user:password@localhost:5432/billing`);
    }
    return value;
  }
  if (/^file:/i.test(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value === ':memory:') {
    throw new UsageError(`--db takes a SQLite file path or a postgres:// URL; "${redactedUrl(value)}" is neither: give e.g. --db ./billing.db`);
  }
  return value;
}

/** A database URL without its password, for messages and logs. */
export function redactedUrl(value: string): string {
  return value.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:…@');
}

/** --public-url: an http(s) origin with an optional path prefix, kept without its trailing slash. */
function publicUrlOf(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--public-url must be an http(s) URL such as https://billing.example.com, got ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--public-url must be http or https, got ${url.protocol}`);
  if (url.search !== '' || url.hash !== '' || url.username !== '')
    throw new UsageError('--public-url takes an origin and path only: no query, fragment or credentials');
  return url.href.replace(/\/+$/, '');
}

function envName(flag: FlagName): string {
  return `BILLING_MCP_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function envValue(env: NodeJS.ProcessEnv, flag: FlagName): string | undefined {
  // BILLING_MCP_DB doubles as the documented way to choose the database.
  return env[envName(flag)];
}
