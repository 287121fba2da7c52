import { existsSync } from 'node:fs';
import { catalogServer } from '../catalog-server.js';
import { seedDemoCatalog } from '../demo.js';
import { createEngine, DEFAULT_PUBLIC_BASE_URL, type Db, openDatabase, openPostgresDatabase } from '../engine/index.js';
import { buildToolCatalog } from '../tools/catalog.js';
import { serveStdio } from '../transports/stdio.js';
import { servePages } from '../transports/page-server.js';
import { deferredCatalog, type ToolSelection } from './deferred-tools.js';
import { log } from './log.js';
import { readSchemaSnapshot } from './prebuilt-schema.js';
import { type CliOptions, isPostgresUrl, redactedUrl } from './options.js';

const DUE_WORK_INTERVAL_MS = 30_000;
// New events reach webhook endpoints within a second; retries fall due on the engine clock (SPEC §4).
const WEBHOOK_POLL_INTERVAL_MS = 500;

/** Opens the database, serves the selected tools over the chosen transport until the client or a signal ends it. */
export async function serve(options: CliOptions, selection: ToolSelection): Promise<number> {
  const postgres = isPostgresUrl(options.db);
  const opened = postgres ? await openPostgres(options.db, options.readOnly) : openNativeDatabase(options);
  // Links name the address that answers, known once the pages listen (a taken port moves them on).
  let pagesUrl = options.publicUrl ?? DEFAULT_PUBLIC_BASE_URL;
  const engine = await createEngine({
    db: opened.db,
    readonly: options.readOnly,
    publicBaseUrl: () => pagesUrl,
    // A new file gets the build's snapshot of every migration in one transaction (~40 ms less at its first start).
    schemaSnapshot: options.readOnly || postgres ? undefined : readSchemaSnapshot(),
  }).catch((error: unknown) => {
    // A PostgreSQL server that does not answer, or refuses the role: say which database, never its password.
    if (!postgres) throw error;
    throw new Error(`PostgreSQL at ${redactedUrl(options.db)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  log(`database ${postgres ? redactedUrl(options.db) : options.db}${options.readOnly ? ' (read-only)' : ''}`);
  if (options.demo) {
    if (options.readOnly) log('--demo ignored: the database is open read-only');
    else log((await seedDemoCatalog(engine)) ? 'demo catalog added' : 'demo skipped: the database already has products');
  }

  // Renewals, trial ends and scheduled cancellations fall due as real time passes: run them every 30 s
  // (advance_test_clock runs them at once when it moves time). Never in --read-only.
  const stopDueWork = options.readOnly
    ? () => undefined
    : engine.startDueWorkTimer(DUE_WORK_INTERVAL_MS, (error) => log(`due work: ${error instanceof Error ? error.message : String(error)}`));
  // Webhook deliveries: never in --read-only (nothing new is written there to deliver). Errors name no secret.
  const stopWebhooks = options.readOnly
    ? () => undefined
    : engine.webhookDispatcher.start(WEBHOOK_POLL_INTERVAL_MS, (error) => log(`webhooks: ${error instanceof Error ? error.message : String(error)}`));
  const catalog = selection.loaded ? buildToolCatalog(selection.tools, options.tools === 'dynamic') : deferredCatalog(selection.tools);
  const shutdown = async (): Promise<void> => {
    stopDueWork();
    stopWebhooks();
    await engine.close();
  };

  if (options.transport === 'http') {
    // Loaded only when used: express and its dependencies are a sixth of a stdio start-up otherwise.
    const { serveHttp } = await import('../transports/http.js');
    const http = await serveHttp({
      engine,
      catalog,
      host: options.host,
      port: options.port,
      authToken: options.authToken,
      ...reachableAs(options),
      licenseRateLimit: options.licenseRateLimit,
      readOnly: options.readOnly,
      stateless: options.stateless,
      log,
    });
    pagesUrl = options.publicUrl ?? linkBaseOf(options.host, http.port);
    const mcp = options.stateless ? 'stateless Streamable HTTP at /mcp' : 'Streamable HTTP at /mcp, SSE at /sse';
    log(`listening on ${http.url} (${mcp}, health at /health, pages at ${pagesUrl})`);
    if (postgres && !options.stateless)
      log('replicas behind a load balancer need --stateless: sessions live in the memory of the server that opened them');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await http.close();
  } else {
    // MCP is what the client started us for: a page server that cannot listen is logged, not fatal.
    const pages = await servePages({ engine, host: PAGES_HOST, port: options.pagesPort, ...reachableAs(options), log }).catch((error: unknown) => {
      log(`no checkout or portal pages: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (pages !== undefined) {
      pagesUrl = options.publicUrl ?? pages.url;
      log(`checkout and portal pages at ${pages.url}`);
    }
    const { closed } = await serveStdio(catalogServer(engine, catalog), log);
    await Promise.race([
      closed,
      new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      }),
    ]);
    await pages?.close();
  }
  await shutdown();
  return 0;
}

/**
 * The Host names and browser origins accepted besides the server's own: the operator's, and --public-url's,
 * since a page reached through a proxy arrives with the proxy's Host and posts its forms with its Origin.
 */
function reachableAs(options: CliOptions): { allowedHosts: string[]; allowedOrigins: string[] } {
  if (options.publicUrl === undefined) return { allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins };
  const url = new URL(options.publicUrl);
  return { allowedHosts: [...options.allowedHosts, url.host], allowedOrigins: [...options.allowedOrigins, url.origin] };
}

/** A stdio process's pages are for the browser on this machine: loopback only. */
const PAGES_HOST = '127.0.0.1';

/** Links point at the HTTP server; one bound to every interface is reached on this machine by loopback. */
function linkBaseOf(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' || host === '[::]' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * A PostgreSQL database from its URL; `?schema=NAME` puts the engine's tables in that schema (created by
 * whoever owns the database), so several engines can share one database.
 */
async function openPostgres(value: string, readonly: boolean): Promise<{ db: Db }> {
  const url = new URL(value);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return openPostgresDatabase({ url: url.toString(), schema, readonly });
}

/**
 * better-sqlite3 is a native module built at install time. When its install script was skipped (npm 11
 * with strict allow-scripts), say how to fix that instead of printing a bindings stack.
 */
function openNativeDatabase(options: CliOptions): ReturnType<typeof openDatabase> {
  if (options.readOnly && !existsSync(options.db)) {
    throw new Error(
      `--read-only needs an existing database, and ${options.db} does not exist: start once without --read-only to create it, or give its path with --db`,
    );
  }
  try {
    return openDatabase({ path: options.db, readonly: options.readOnly });
  } catch (error) {
    if (error instanceof Error && /bindings file|NODE_MODULE_VERSION|better_sqlite3\.node/.test(error.message)) {
      throw new Error(
        `the SQLite driver (better-sqlite3) is not built for this Node.js: ${error.message.split('\n')[0]}. ` +
          'Allow its install script and reinstall: npx -y --allow-scripts=better-sqlite3 billing-mcp (README: "npm install scripts")',
        { cause: error },
      );
    }
    throw error;
  }
}
