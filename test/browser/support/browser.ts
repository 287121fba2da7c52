// The browser-test harness: Debian's Chromium driven by playwright-core (no browser download), one browser per
// test file, a fresh context per test, a screenshot of every page visited, and a guard that fails the test on a
// console error, an uncaught page error, a failed request, or any attempt to reach a host that is not loopback
// (the pages must work offline: no CDN, no remote fonts). Plus the built CLI as a child process, over HTTP for
// the browser and over stdio for the SDK's own client, each on its own temporary database.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ROOT, startHttpCli, tempDir } from '../../support/cli-process.js';
import { callOk, callTool, stdioClient } from '../../support/e2e-clients.js';

// ---------------------------------------------------------------------------------------------------------------
// Chromium

/** Where Chromium is looked for when CHROMIUM_PATH is not set, in order. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'] as const;

export const CHROMIUM_INSTALL = 'apt-get update && apt-get install -y --no-install-recommends chromium';

/**
 * The Chromium executable: CHROMIUM_PATH if set (it must exist), else the first of CHROMIUM_CANDIDATES.
 * Throws, never skips: a machine without Chromium fails every browser test with the command that installs it.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = CHROMIUM_CANDIDATES): string {
  const configured = env.CHROMIUM_PATH;
  if (configured !== undefined && configured !== '') {
    if (existsSync(configured)) return configured;
    throw new Error(`CHROMIUM_PATH=${configured} does not exist. Unset it to use ${candidates.join(' or ')}, or point it at a Chromium executable.`);
  }
  const found = candidates.find((path) => existsSync(path));
  if (found !== undefined) return found;
  throw new Error(
    `Chromium not found (looked for ${candidates.join(', ')}); the browser tests need it. Install Debian's package:\n` +
      `  ${CHROMIUM_INSTALL}\n` +
      '(with sudo when not root), or set CHROMIUM_PATH to a Chromium executable.',
  );
}

/** Headless Chromium as root in a container: no sandbox (it needs user namespaces), no /dev/shm (often 64 MB). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

// ---------------------------------------------------------------------------------------------------------------
// Screenshots

export const SCREENSHOT_ROOT = join(ROOT, 'test-output', 'screenshots');

// playwright-core waits for document.fonts.ready before each screenshot; when a navigation starts meanwhile
// that wait can hang until the test times out (Chromium 156, seen under load in CI). The pages use system
// fonts only (no web fonts: they work offline), so there is nothing to wait for. playwright reads this
// variable in the process that drives the browser, which is this test worker.
process.env.PW_TEST_SCREENSHOT_NO_FONTS_READY = '1';
/** A screenshot that takes longer than this is abandoned (a warning), never a hung test. */
const SCREENSHOT_TIMEOUT_MS = 10_000;

/** Lower-case letters, digits and single dashes: a safe file or folder name. */
export function slug(text: string, max = 80): string {
  const cut = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return cut === '' ? 'unnamed' : cut;
}

/** A page URL as a screenshot label: its path, e.g. "/portal/invoices" → "portal-invoices", "/" → "index". */
export function labelOf(url: string): string {
  try {
    const { pathname } = new URL(url);
    return pathname === '/' ? 'index' : slug(pathname, 40);
  } catch {
    return slug(url, 40);
  }
}

export interface Screenshots {
  /** test-output/screenshots/<file>/<test>/ */
  dir: string;
  /** A full-page PNG of `page` as <dir>/<NN>-<label>.png, NN counting from 01 in the order taken; returns the path. */
  take(page: Page, label: string): Promise<string>;
}

/**
 * Screenshots for one test: `file` is the test file (absolute, or relative to the repository), `testName` the
 * test's name; the folder is emptied first so it holds only this run's pictures.
 */
export function screenshots(testName: string, file: string = 'misc'): Screenshots {
  const fileDir = relative(join(ROOT, 'test', 'browser'), isAbsolute(file) ? file : join(ROOT, file));
  const fileKey = join(dirname(fileDir), basename(fileDir).replace(/\.test\.[cm]?[jt]s$/, ''));
  const dir = join(
    SCREENSHOT_ROOT,
    ...fileKey
      .split('/')
      .filter((part) => part !== '.' && part !== '..')
      .map((part) => slug(part)),
    slug(testName, 120),
  );
  let count = 0;
  let ready: Promise<unknown> | undefined;
  return {
    dir,
    async take(page, label) {
      count += 1;
      const path = join(dir, `${String(count).padStart(2, '0')}-${slug(label, 40)}.png`);
      ready ??= rm(dir, { recursive: true, force: true }).then(() => mkdir(dir, { recursive: true }));
      await ready;
      await page.screenshot({ path, fullPage: true, timeout: SCREENSHOT_TIMEOUT_MS });
      return path;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The offline guard

/** 127.0.0.1 (any 127/8), ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Schemes a page may use without the network. Anything else that is not loopback http(s)/ws(s) is blocked. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

function isAllowedUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return LOCAL_SCHEMES.has(parsed.protocol) || isLoopbackHost(parsed.hostname);
  } catch {
    return false;
  }
}

export interface ContextGuard {
  /** What went wrong so far, one line each: console errors, page errors, failed and blocked requests. */
  problems: string[];
  /** Returns the problems and forgets them (for a test that provokes one on purpose). */
  take(): string[];
  /** Throws when there are problems. */
  assertClean(): void;
}

/**
 * Watches every page of `context` (and its future pages): a console error, an uncaught error, a request that
 * fails (other than one aborted by a navigation), and any request or WebSocket to a host that is not loopback,
 * which is also blocked before it leaves the browser. Service workers must be blocked in the context
 * (`serviceWorkers: 'block'`, as useBrowser does) or their requests would bypass the routing.
 */
export async function guardContext(context: BrowserContext): Promise<ContextGuard> {
  const problems: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isAllowedUrl(url)) return route.fallback();
    problems.push(`blocked request to a non-loopback host: ${route.request().method()} ${url}`);
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(/.*/, (ws) => {
    if (isAllowedUrl(ws.url())) {
      ws.connectToServer();
      return;
    }
    problems.push(`blocked WebSocket to a non-loopback host: ${ws.url()}`);
    void ws.close({ code: 1008, reason: 'non-loopback host blocked by the test harness' });
  });
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught error on ${page.url()}: ${error.stack ?? error.message}`));
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? 'unknown';
      // A navigation aborts what the previous page still loads; blocked requests are reported by the route above.
      if (failure === 'net::ERR_ABORTED' || failure.startsWith('net::ERR_BLOCKED_BY_CLIENT')) return;
      problems.push(`request failed (${failure}): ${request.method()} ${request.url()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    problems,
    take: () => problems.splice(0),
    assertClean() {
      if (problems.length > 0) throw new Error(`the page(s) had ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One browser per file, one context per test

export interface BrowserHarness {
  /** The file's browser (launched in beforeAll). */
  readonly browser: Browser;
  /** The current test's context (new in beforeEach, closed in afterEach). */
  readonly context: BrowserContext;
  /** The current test's guard; afterEach fails the test when it holds problems. */
  readonly guard: ContextGuard;
  /** The current test's screenshots; every page load is taken automatically, labelled by its URL path. */
  readonly screenshots: Screenshots;
  /** A new page in the current test's context. */
  newPage(): Promise<Page>;
  /** A labelled full-page screenshot of `page` now (e.g. after filling a form); returns the path. */
  shot(page: Page, label: string): Promise<string>;
}

/**
 * Call once at the top of a test file (or a describe): registers beforeAll/afterAll that launch and close one
 * Chromium, and beforeEach/afterEach that give each test a fresh context with the offline guard and screenshots.
 * afterEach fails the test when the guard recorded a problem.
 */
export function useBrowser(contextOptions: BrowserContextOptions = {}): BrowserHarness {
  let browser: Browser | undefined;
  let current: { context: BrowserContext; guard: ContextGuard; screenshots: Screenshots; pending: Promise<void>[] } | undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} exists only inside a test of a file that called useBrowser()`);
    return value;
  };

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async ({ task }) => {
    const context = await need(browser, 'the browser').newContext({
      locale: 'en-US',
      timezoneId: 'UTC',
      serviceWorkers: 'block',
      ...contextOptions,
    });
    const guard = await guardContext(context);
    const names: string[] = [];
    for (let suite = task.suite; suite !== undefined && suite !== task.file; suite = suite.suite) names.unshift(suite.name);
    const shots = screenshots([...names, task.name].join(' '), task.file.filepath);
    const state = { context, guard, screenshots: shots, pending: [] as Promise<void>[] };
    context.on('page', (page) => {
      page.on('load', () => {
        if (!/^https?:/.test(page.url())) return;
        // Best effort: a page that closes or navigates meanwhile has no picture; a test never fails for that.
        state.pending.push(
          shots.take(page, labelOf(page.url())).then(
            () => undefined,
            (error: unknown) => {
              if (!page.isClosed()) console.warn(`screenshot of ${page.url()} failed: ${error instanceof Error ? error.message : String(error)}`);
            },
          ),
        );
      });
    });
    current = state;
  });
  afterEach(async () => {
    const state = current;
    current = undefined;
    if (state === undefined) return;
    await Promise.all(state.pending);
    await state.context.close();
    state.guard.assertClean();
  });

  return {
    get browser() {
      return need(browser, 'the browser');
    },
    get context() {
      return need(current, 'the context').context;
    },
    get guard() {
      return need(current, 'the guard').guard;
    },
    get screenshots() {
      return need(current, 'screenshots').screenshots;
    },
    newPage() {
      return need(current, 'the context').context.newPage();
    },
    shot(page, label) {
      return need(current, 'screenshots').screenshots.take(page, label);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The built CLI (test/support/global-setup.ts builds dist/ first)

export interface HttpServer {
  /** e.g. http://127.0.0.1:40123 (the port the server actually bound). */
  url: string;
  /** Its database file, in a temporary folder removed by stop(). */
  db: string;
  stderr(): string;
  /** SIGTERM, wait for the exit, remove the temporary folder; resolves to the exit code (0 on a clean stop). */
  stop(): Promise<number | null>;
}

/**
 * `node dist/cli.js --transport http --port 0 --db <temp>/billing.db …args`: the OS picks a free port and the
 * server logs it, so there is no window in which another process can take it.
 */
export async function startHttpServer(args: readonly string[] = []): Promise<HttpServer> {
  const dir = await tempDir();
  const db = join(dir.path, 'billing.db');
  try {
    const cli = await startHttpCli(['--db', db, ...args]);
    return {
      url: cli.url,
      db,
      stderr: () => cli.stderr(),
      async stop() {
        try {
          return await cli.stop();
        } finally {
          await dir.remove();
        }
      },
    };
  } catch (error) {
    await dir.remove();
    throw error;
  }
}

export interface StdioServer {
  /** The SDK's real client, connected over stdio to the spawned CLI. */
  client: Client;
  db: string;
  /** Calls a tool; the raw result, isError included. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Calls a tool that must succeed; its structuredContent. */
  ok<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** Closes the client (which ends the process) and removes the temporary folder. */
  close(): Promise<void>;
}

/** `node dist/cli.js --db <temp>/billing.db …args` over stdio with the SDK's StdioClientTransport. */
export async function startStdioServer(args: readonly string[] = []): Promise<StdioServer> {
  const dir = await tempDir();
  const db = join(dir.path, 'billing.db');
  let client: Client;
  try {
    client = await stdioClient(['--db', db, ...args]);
  } catch (error) {
    await dir.remove();
    throw error;
  }
  return {
    client,
    db,
    call: (name, toolArgs = {}) => callTool(client, name, toolArgs),
    ok<T>(name: string, toolArgs: Record<string, unknown> = {}) {
      return callOk<T>(client, name, toolArgs);
    },
    async close() {
      try {
        await client.close();
      } finally {
        await dir.remove();
      }
    },
  };
}
