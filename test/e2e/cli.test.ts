// Rule under test: the built CLI's startup contract — --list, unknown names exit 2 with the valid ones,
// --read-only serves read tools only, the default database path, and no unauthenticated public HTTP.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cliEnv, runCli, tempDir } from '../support/cli-process.js';
import { callOk, callTool, PLAN, stdioClient } from '../support/e2e-clients.js';
import { textOf } from '../support/mcp-client.js';
import { MAIN_JOB_TOOLS } from '../support/main-jobs.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir?.remove();
});

describe('startup options', () => {
  test('--list prints the tools a client is sent, in order, with the size of tools/list, and exits 0', async () => {
    const run = await runCli(['--list', '--resource', 'products']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^create_product +write +catalog +Create product\n/);
    expect(run.stdout).toMatch(/^list_products +read +catalog +List products$/m);
    expect(run.stdout).toMatch(/\n6 tools, tools\/list [\d,]+ bytes \(about [\d,]+ tokens\)\n$/);
  });

  test('--list with no flags prints the default toolset: at most 40 tools, the main jobs among them', async () => {
    const run = await runCli(['--list']);
    expect(run.code).toBe(0);
    const names = run.stdout
      .split('\n')
      .filter((line) => /^[a-z_]+ +(read|write) /.test(line))
      .map((line) => line.split(' ')[0]);
    expect(names.length).toBeLessThanOrEqual(40);
    expect(MAIN_JOB_TOOLS.filter((name) => !names.includes(name))).toEqual([]);
  });

  test('--list --tools dynamic prints the three meta-tools a client is sent (issue 13)', async () => {
    const run = await runCli(['--list', '--tools', 'dynamic']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^list_tools +read +meta .*\ndescribe_tool +read +meta .*\ninvoke_tool +write +meta .*\n\n3 tools, /);
  });

  test('--toolsets nope exits 2 and lists the valid toolsets', async () => {
    const run = await runCli(['--toolsets', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown toolset "nope"; valid toolsets: default, all, catalog/);
  });

  test('--tool nope exits 2 and lists the valid tools', async () => {
    const run = await runCli(['--tool', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown tool "nope"; valid tools: .*list_products/);
  });

  test('--host 0.0.0.0 without a token refuses to start, saying how to fix it', async () => {
    const run = await runCli(['--transport', 'http', '--host', '0.0.0.0', '--port', '0', '--db', join(dir.path, 'public.db')]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/refusing to serve HTTP on 0\.0\.0\.0 without a bearer token.*--auth-token/);
  });

  test('issue 13: --db with a URL that is not PostgreSQL, or nothing, exits 2 and creates nothing; --read-only on a missing file names it', async () => {
    const refused = await runCli(['--db', 'mysql://app:secret@localhost/billing']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--db takes a SQLite file path or a postgres:// URL; "mysql://app:…@localhost/billing" is neither');
    expect(refused.stderr).not.toContain('secret');
    expect(existsSync('mysql:')).toBe(false);
    // Issue 17: a PostgreSQL server that does not answer is a start-up error that names it, without its password.
    const unreachable = await runCli(['--db', 'postgres://app:secret@127.0.0.1:9/billing']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/ECONNREFUSED|connect/);
    expect(unreachable.stderr).not.toContain('secret');
    expect(existsSync('postgres:')).toBe(false);
    expect((await runCli(['--db', ''])).code).toBe(2);
    const missing = join(dir.path, 'never-created.db');
    const readOnly = await runCli(['--db', missing, '--read-only']);
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toContain(
      `--read-only needs an existing database, and ${missing} does not exist: start once without --read-only to create it`,
    );
    expect(existsSync(missing)).toBe(false);
  });

  test('the default database is $XDG_DATA_HOME/billing-mcp/billing.db, printed to stderr', async () => {
    const dataHome = join(dir.path, 'xdg');
    const run = await runCli([], cliEnv({ XDG_DATA_HOME: dataHome }));
    const expected = join(dataHome, 'billing-mcp', 'billing.db');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`database ${expected}`);
    expect(existsSync(expected)).toBe(true);
  });
});

describe('--read-only against a database created earlier', () => {
  const db = () => join(dir.path, 'read-only.db');
  let productId: string;

  beforeAll(async () => {
    const writer = await stdioClient(['--db', db()]);
    try {
      productId = (await callOk<{ product_id: string }>(writer, 'create_product', PLAN)).product_id;
    } finally {
      await writer.close();
    }
  });

  test('serves only read tools, and they read the existing data', async () => {
    const client = await stdioClient(['--db', db(), '--read-only']);
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(0);
      for (const tool of tools) expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      expect(await callOk(client, 'get_product', { product_id: productId })).toMatchObject({ product_id: productId });
    } finally {
      await client.close();
    }
  });

  test('a write through the dynamic invoke_tool fails', async () => {
    const client = await stdioClient(['--db', db(), '--read-only', '--tools', 'dynamic']);
    try {
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['describe_tool', 'invoke_tool', 'list_tools']);
      const write = await callTool(client, 'invoke_tool', { name: 'create_product', arguments: PLAN });
      expect(write.isError).toBe(true);
      expect(textOf(write)).toContain('create_product');
      const read = await callTool(client, 'invoke_tool', { name: 'get_product', arguments: { product_id: productId } });
      expect(read.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});
