// Rule under test: the built CLI serves MCP over stdio to the SDK's own client, and a failed call is an
// isError result that leaves the session working.
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../support/cli-process.js';
import { callOk, callTool, stdioClient } from '../support/e2e-clients.js';
import { textOf } from '../support/mcp-client.js';

interface ProductPage {
  items: { product_id: string; name: string }[];
  has_more: boolean;
}

describe('stdio transport (built CLI)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let client: Client;

  beforeAll(async () => {
    dir = await tempDir();
    client = await stdioClient(['--db', join(dir.path, 'billing.db'), '--demo']);
  });
  afterAll(async () => {
    await client?.close();
    await dir?.remove();
  });

  test('initialize names the server and declares tools only', () => {
    expect(client.getServerVersion()?.name).toBe('billing-mcp');
    expect(client.getServerCapabilities()).toEqual({ tools: { listChanged: false } });
  });

  test('tools/list includes the product tools with object input schemas', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['list_products', 'get_product', 'create_product']));
    for (const tool of tools) expect(tool.inputSchema.type).toBe('object');
  });

  test('list_products then get_product return the demo catalog', async () => {
    const page = await callOk<ProductPage>(client, 'list_products');
    expect(page.items.length).toBeGreaterThan(0);
    const first = page.items[0]!;
    const product = await callOk<{ product_id: string; name: string }>(client, 'get_product', { product_id: first.product_id });
    expect(product).toMatchObject({ product_id: first.product_id, name: first.name });
  });

  test('a bad call is an isError result and the next call still works', async () => {
    const bad = await callTool(client, 'get_product', { product_id: 'pdt_nope' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/^NOT_FOUND: no product pdt_nope\. Next: list_products/);
    const page = await callOk<ProductPage>(client, 'list_products', { page_size: 1 });
    expect(page.items).toHaveLength(1);
  });
});
