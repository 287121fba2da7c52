// Rule under test: the browser harness works end to end: Debian's Chromium (through playwright-core) opens a
// page of the built CLI served over HTTP and a screenshot is saved; the offline guard blocks and reports what
// a page must not do (reach a non-loopback host, log a console error, throw); the stdio helper gives the SDK's
// own client a working server.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium, type HttpServer, startHttpServer, startStdioServer, useBrowser } from './support/browser.js';

const harness = useBrowser();

describe('the built CLI over HTTP in Chromium', () => {
  let server: HttpServer;

  beforeAll(async () => {
    server = await startHttpServer();
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  test('/health answers in the browser and is screenshotted', async () => {
    const page = await harness.newPage();
    const response = await page.goto(`${server.url}/health`);
    expect(response?.status()).toBe(200);
    expect(JSON.parse(await page.locator('body').innerText())).toEqual({ status: 'ok', version: expect.any(String), sessions: expect.any(Number) });
    // The load was taken automatically (01, labelled by the URL path), then the labelled one (02).
    const path = await harness.shot(page, 'health answered');
    expect(path).toBe(join(harness.screenshots.dir, '02-health-answered.png'));
    expect(harness.screenshots.dir).toMatch(/\/test-output\/screenshots\/smoke\/the-built-cli-over-http-in-chromium-health-answers-in-the-browser/);
    expect(readdirSync(harness.screenshots.dir).sort()).toEqual(['01-health.png', '02-health-answered.png']);
  });
});

describe('the offline guard', () => {
  test('a request to a remote host is blocked and reported, as are console and page errors', async () => {
    const page = await harness.newPage();
    const remote = page.waitForEvent('requestfailed');
    await page.setContent('<img src="https://cdn.example.com/logo.png" alt="">');
    expect((await remote).failure()?.errorText).toMatch(/^net::ERR_BLOCKED_BY_CLIENT/);
    await page.evaluate(() => console.error('boom'));
    const thrown = page.waitForEvent('pageerror');
    await page.evaluate(() =>
      setTimeout(() => {
        throw new Error('uncaught on purpose');
      }),
    );
    await thrown;
    const problems = harness.guard.take();
    expect(problems).toEqual(
      expect.arrayContaining([
        'blocked request to a non-loopback host: GET https://cdn.example.com/logo.png',
        expect.stringMatching(/^console error on about:blank: boom$/),
        expect.stringMatching(/^uncaught error on about:blank: Error: uncaught on purpose/),
      ]),
    );
  });
});

describe('the built CLI over stdio', () => {
  test('the SDK client lists tools and calls one', async () => {
    const server = await startStdioServer();
    try {
      const { tools } = await server.client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('list_products');
      const page = await server.ok<{ items: unknown[] }>('list_products');
      expect(page.items).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('finding Chromium', () => {
  test('a machine without it fails with the command that installs it, never a skip', () => {
    expect(() => findChromium({}, ['/nonexistent/chromium'])).toThrow(/apt-get update && apt-get install -y --no-install-recommends chromium/);
    expect(() => findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(/CHROMIUM_PATH=\/nonexistent\/chromium does not exist/);
  });
});
