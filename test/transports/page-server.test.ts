// DESIGN "Transports" and issue 15 "Security": the stdio process's page server listens on loopback at
// --pages-port or the next free port; pages refuse a foreign Host, carry same-origin referrer/no-store/CSP
// headers, and every form POST needs its CSRF token (double-submit cookie) before anything runs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { html } from '../../src/web/html.js';
import { csrfField } from '../../src/web/csrf.js';
import { servePages, type RunningPageServer } from '../../src/transports/page-server.js';
import { pagesRouter } from '../../src/web/pages-router.js';
import { createTestEngine } from '../support/test-engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createTestEngine();
});
afterAll(async () => {
  await engine.close();
});

function listening(server: Server, port = 0): Promise<number> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('servePages', () => {
  test('a taken port moves the page server to the next free one, and its url says which', async () => {
    const blocker = createServer();
    const taken = await listening(blocker);
    const pages = await servePages({ engine, host: '127.0.0.1', port: taken, allowedHosts: [], allowedOrigins: [], log: () => undefined });
    try {
      expect(pages.port).not.toBe(taken);
      expect(pages.url).toBe(`http://127.0.0.1:${pages.port}`);
      const response = await fetch(`${pages.url}/checkout/cks_missing/nowhere`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
    } finally {
      await pages.close();
      blocker.close();
    }
  });

  describe('one running page server', () => {
    let pages: RunningPageServer;
    beforeAll(async () => {
      pages = await servePages({ engine, host: '127.0.0.1', port: 0, allowedHosts: [], allowedOrigins: [], log: () => undefined });
    });
    afterAll(async () => {
      await pages.close();
    });

    test('a foreign Host is refused (DNS rebinding), loopback names are served', async () => {
      const { request } = await import('node:http');
      const status = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: pages.port, path: '/assets/pages.css', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      expect(await status('evil.example:80')).toBe(403);
      expect(await status(`localhost:${pages.port}`)).toBe(200);
    });

    test('anything but pages is not found there: MCP runs over stdio', async () => {
      const response = await fetch(`${pages.url}/mcp`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('MCP runs over stdio');
    });
  });
});

describe('pagesRouter', () => {
  let server: Server;
  let base = '';
  let posted = 0;
  beforeAll(async () => {
    const app = express();
    app.use(
      pagesRouter({ engine, log: () => undefined }, [
        (router) => {
          router.get('/checkout/form', (_req, res) => {
            res.type('html').send(html`<form method="post">${csrfField(res)}</form>`.text);
          });
          router.post('/checkout/form', (_req, res) => {
            posted += 1;
            res.send('done');
          });
          router.get('/checkout/boom', () => {
            throw new Error('a bug');
          });
        },
      ]),
    );
    base = `http://127.0.0.1:${await listening((server = createServer(app)))}`;
  });
  afterAll(() => {
    server.close();
  });

  test('pages send no Referer off-site (same-origin), no-store, a self-only CSP and no framing', async () => {
    const response = await fetch(`${base}/checkout/form`);
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  test('a POST without the matching CSRF token is refused before its handler runs; with it, it runs', async () => {
    const first = await fetch(`${base}/checkout/form`);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const token = /value="([0-9A-Za-z]{32})"/.exec(await first.text())?.[1] ?? '';
    expect(cookie).toMatch(/^billing_mcp_csrf=[0-9A-Za-z]{32}$/);
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${base}/checkout/form`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    expect((await post({}, `csrf=${token}`)).status).toBe(403);
    expect((await post({ cookie }, 'csrf=wrong')).status).toBe(403);
    expect((await post({ cookie }, '')).status).toBe(403);
    expect(posted).toBe(0);
    const ok = await post({ cookie }, `csrf=${token}`);
    expect(ok.status).toBe(200);
    expect(posted).toBe(1);
  });

  test('a bug renders a page that says nothing changed; /mcp and others pass through untouched', async () => {
    const boom = await fetch(`${base}/checkout/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).toContain('Nothing was changed');
    expect((await fetch(`${base}/mcp`)).status).toBe(404);
    expect(await (await fetch(`${base}/portal/none`)).text()).toContain('Page not found');
  });
});
