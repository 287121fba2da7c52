// Issue 15: "checkout_url names the address that actually answers". Against the built CLI, a session
// created through the MCP client has a checkout_url that plain fetch can open: the checkout page (200)
// naming the product — over stdio (the loopback page server, --pages-port 0 = any free port) and over
// HTTP with --port 0 (the same server as /mcp).
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type HttpCli, startHttpCli, tempDir } from '../support/cli-process.js';
import { callOk, stdioClient, streamableClient } from '../support/e2e-clients.js';

const PRODUCT = { name: 'Field Guide to Billing', tax_category: 'e_book', price: { type: 'one_time_price', currency: 'USD', price: 1900 } };

/** Creates a product and a checkout session through MCP, then opens checkout_url with plain fetch. */
async function openCheckoutUrl(client: Client): Promise<{ url: string; status: number; body: string }> {
  const product = await callOk<{ product_id: string }>(client, 'create_product', PRODUCT);
  const session = await callOk<{ checkout_url: string }>(client, 'create_checkout_session', {
    product_cart: [{ product_id: product.product_id, quantity: 1 }],
  });
  const response = await fetch(session.checkout_url);
  return { url: session.checkout_url, status: response.status, body: await response.text() };
}

describe('checkout_url answers (built CLI)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir?.remove();
  });

  test('over stdio: the loopback page server serves the page', async () => {
    const client = await stdioClient(['--db', join(dir.path, 'stdio.db'), '--toolsets', 'all', '--pages-port', '0']);
    try {
      const opened = await openCheckoutUrl(client);
      expect(opened.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/checkout\/cks_[0-9A-Za-z]+$/);
      expect(opened.url).not.toMatch(/:0\//);
      expect(opened.status).toBe(200);
      expect(opened.body).toContain('Field Guide to Billing');
      expect(opened.body).toContain('$19.00');
    } finally {
      await client.close();
    }
  });

  describe('over HTTP with --port 0', () => {
    let server: HttpCli;
    let client: Client;
    beforeAll(async () => {
      server = await startHttpCli(['--db', join(dir.path, 'http.db'), '--toolsets', 'all']);
      client = await streamableClient(server.url);
    });
    afterAll(async () => {
      await client?.close();
      expect(await server?.stop()).toBe(0);
    });

    test('checkout_url is on the port the server bound, and answers with the page', async () => {
      const opened = await openCheckoutUrl(client);
      expect(opened.url.startsWith(`${server.url}/checkout/cks_`)).toBe(true);
      expect(opened.status).toBe(200);
      expect(opened.body).toContain('Field Guide to Billing');
    });
  });
});
