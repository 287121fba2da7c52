import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Engine } from '../../src/engine/index.js';
import { ALL_PAGES } from '../../src/web/all-pages.js';
import { pagesRouter } from '../../src/web/pages-router.js';

/**
 * A browser-less client of the hosted pages: keeps the CSRF cookie, reads the token from each page's
 * forms and posts forms as a browser would (urlencoded, redirects not followed, so tests see the 303s).
 */
export class PageClient {
  private cookie = '';
  private token = '';

  constructor(private readonly base: string) {}

  async get(path: string): Promise<{ status: number; body: string; location: string | null }> {
    const response = await fetch(this.url(path), { headers: this.headers(), redirect: 'manual' });
    return this.read(response);
  }

  /** Posts a form with the CSRF field of the last page read; fields may repeat a name. */
  async post(path: string, fields: Record<string, string>): Promise<{ status: number; body: string; location: string | null }> {
    // Double-submit: the token is the cookie's value, read from the last form or else from the cookie.
    if (this.token === '') this.token = this.cookie.split('=')[1] ?? '';
    if (this.token === '') throw new Error('GET a page before posting one of its forms');
    const body = new URLSearchParams({ csrf: this.token, ...fields }).toString();
    const response = await fetch(this.url(path), {
      method: 'POST',
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    });
    return this.read(response);
  }

  private url(path: string): string {
    return path.startsWith('http') ? path : `${this.base}${path}`;
  }

  private headers(): Record<string, string> {
    return this.cookie === '' ? {} : { cookie: this.cookie };
  }

  private async read(response: Response): Promise<{ status: number; body: string; location: string | null }> {
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0] ?? '';
    const body = await response.text();
    const token = /name="csrf" value="([0-9A-Za-z]{32})"/.exec(body)?.[1];
    if (token) this.token = token;
    return { status: response.status, body, location: response.headers.get('location') };
  }
}

/** The pages router alone on a loopback port, over `engine` (whose publicBaseUrl should read `base`). */
export async function servePagesOf(engine: Engine): Promise<{ base: string; close: () => void }> {
  const app = express();
  app.use(pagesRouter({ engine, log: () => undefined }, ALL_PAGES));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
