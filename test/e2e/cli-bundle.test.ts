// Rule under test: dist/cli.js is one esbuild bundle split at its dynamic imports. It imports no package but
// better-sqlite3 (native), --help and --version load neither the tools nor the engine nor the SDK, a filter
// that names tools is still checked first, tools/list answers from the tools described at build time exactly
// what the catalog converts from source, and a tool whose module loads on the first call answers as before.
// The schema snapshot the build wrote is the one the source's migrations give, and a database the CLI
// creates from it equals one those migrations made.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import Database from 'better-sqlite3';
import { PREBUILT_TOOLS_FILE, type PrebuiltTool } from '../../src/cli/deferred-tools.js';
import { SCHEMA_SNAPSHOT_FILE } from '../../src/cli/prebuilt-schema.js';
import type { catalogServer } from '../../src/catalog-server.js';
import { migrateToLatest, openDatabase } from '../../src/engine/db/database.js';
import { captureSchemaSnapshot } from '../../src/engine/db/schema-snapshot.js';
import type { Engine } from '../../src/engine/index.js';
import { buildToolCatalog } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { toolsOfSets } from '../../src/tools/toolsets.js';
import { CLI, cliEnv, ROOT, runCli, tempDir } from '../support/cli-process.js';
import { callTool, stdioClient } from '../support/e2e-clients.js';
import { textOf } from '../support/mcp-client.js';
import { schemaDump } from '../support/schema-dump.js';

const DIST = join(ROOT, 'dist');

/** esbuild's account of the bundle, written by scripts/build-cli.mjs: what each output file holds and imports. */
interface Metafile {
  outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }>;
}
const meta = JSON.parse(readFileSync(join(DIST, 'cli.meta.json'), 'utf8')) as Metafile;
const outputsOf = (file: string) => meta.outputs[file] ?? { imports: [], inputs: {} };

/** The output files `file` imports statically, and theirs, with `file` itself: what loading it loads. */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const { path, kind, external } of outputsOf(file).imports) if (kind === 'import-statement' && !external) staticGraph(path, seen);
  return seen;
}

/** The package, or the source file, an input path of the metafile stands for. */
const sourceOf = (input: string): string => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input;

/** initialize → initialized → tools/list over raw stdio lines: the answer exactly as sent, before any client parses it. */
async function rawToolsList(args: readonly string[]): Promise<unknown> {
  const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(), stdio: ['pipe', 'pipe', 'ignore'] });
  const send = (message: object): void => {
    child.stdin.write(`${JSON.stringify(message)}\n`);
  };
  send({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bundle-test', version: '0' } },
  });
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const message = JSON.parse(line) as { id?: number; result?: unknown };
      if (message.id === 1) {
        send({ jsonrpc: '2.0', method: 'notifications/initialized' });
        send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
      } else if (message.id === 2) {
        return message.result;
      }
    }
    throw new Error('the CLI closed stdout before answering tools/list');
  } finally {
    child.stdin.end();
    if (child.exitCode === null) await once(child, 'exit');
  }
}

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir?.remove();
});

describe('the CLI bundle', () => {
  test('is the files the build wrote, and imports no package at run time but better-sqlite3 (pg-native: never loaded)', () => {
    const files = Object.keys(meta.outputs).filter((file) => file.endsWith('.js'));
    expect(files.map((file) => file.replace(/^dist\//, '')).sort()).toEqual(
      readdirSync(DIST)
        .filter((name) => /^cli(-.+)?\.js$/.test(name))
        .sort(),
    );
    const packages = new Set(
      files.flatMap((file) =>
        outputsOf(file)
          .imports.filter((i) => i.external && !isBuiltin(i.path))
          .map((i) => i.path),
      ),
    );
    // debug (under express) tries require('supports-color') in a try/catch and does without it.
    packages.delete('supports-color');
    // pg's optional native binding, required only through `pg.native`, which the engine never touches.
    expect([...packages].sort()).toEqual(['better-sqlite3', 'pg-native']);
  });

  test('the PostgreSQL driver is in a chunk of its own, loaded only when --db names PostgreSQL', () => {
    const withPg = Object.keys(meta.outputs).filter(
      (file) => file.endsWith('.js') && Object.keys(outputsOf(file).inputs).some((input) => sourceOf(input) === 'pg'),
    );
    expect(withPg).toHaveLength(1);
    const main = outputsOf('dist/cli.js').imports.find((i) => i.kind === 'dynamic-import')?.path ?? '';
    const loadedAtStart = new Set([...staticGraph('dist/cli.js'), ...staticGraph(main)]);
    for (const file of loadedAtStart)
      expect(
        outputsOf(file)
          .imports.filter((i) => i.kind === 'import-statement')
          .map((i) => i.path),
      ).not.toContain(withPg[0]);
    const importers = Object.keys(meta.outputs).filter((file) => outputsOf(file).imports.some((i) => i.path === withPg[0]));
    for (const file of importers) expect(outputsOf(file).imports.find((i) => i.path === withPg[0])?.kind).toBe('dynamic-import');
  });

  test('--version and --help load only the entry and the option parser, none of the tools, engine or SDK', async () => {
    const main = outputsOf('dist/cli.js').imports.find((i) => i.kind === 'dynamic-import')?.path ?? '';
    expect(main).toMatch(/^dist\/cli-main-/);
    const loaded = [...staticGraph('dist/cli.js'), ...staticGraph(main)];
    const sources = new Set(loaded.flatMap((file) => Object.keys(outputsOf(file).inputs).map(sourceOf)));
    // select.ts is the filter check alone and toolsets.ts the table of sets (both import types only).
    const heavy = [...sources].filter((s) => /^src\/(engine|tools|transports|server)|@modelcontextprotocol|zod|kysely|express/.test(s));
    expect(heavy.sort()).toEqual(['src/tools/select.ts', 'src/tools/toolsets.ts']);
    expect(sources).toContain('src/cli/options.ts');

    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^billing-mcp \d+\.\d+\.\d+/);
    const help = await runCli(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: billing-mcp/);
  });

  test('--help with a filter naming an unknown tool still exits 2 with the valid names, as before the fast path', async () => {
    const run = await runCli(['--help', '--tool', 'no_such_tool']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown tool "no_such_tool"; valid tools: create_product');
  });

  test(`dist/${PREBUILT_TOOLS_FILE} describes ALL_TOOLS as the source does, and tools/list answers its entries`, async () => {
    const prebuilt = JSON.parse(readFileSync(join(DIST, PREBUILT_TOOLS_FILE), 'utf8')) as PrebuiltTool[];
    const fromSource = JSON.parse(JSON.stringify(buildToolCatalog(ALL_TOOLS).listing)) as unknown;
    expect(prebuilt.map((tool) => tool.listEntry)).toEqual(fromSource);
    expect(prebuilt.map(({ listEntry: _entry, ...info }) => info)).toEqual(
      ALL_TOOLS.map(({ name, resource, operation, title, description, annotations }) => ({
        name,
        resource,
        operation,
        title,
        description,
        annotations,
      })),
    );
    // With no flags a client is sent the default toolset: those entries, in toolset order.
    const defaults = JSON.parse(JSON.stringify(buildToolCatalog(toolsOfSets(ALL_TOOLS, ['default'])).listing)) as unknown;
    expect(await rawToolsList(['--db', join(dir.path, 'static.db')])).toEqual({ tools: defaults });
    const all = JSON.parse(JSON.stringify(buildToolCatalog(toolsOfSets(ALL_TOOLS, ['all'])).listing)) as unknown;
    expect(await rawToolsList(['--db', join(dir.path, 'static-all.db'), '--toolsets', 'all'])).toEqual({ tools: all });
  });

  test(`dist/${SCHEMA_SNAPSHOT_FILE} is what the migrations give, and a database the CLI creates equals a migrated one`, async () => {
    expect(JSON.parse(readFileSync(join(DIST, SCHEMA_SNAPSHOT_FILE), 'utf8'))).toEqual(await captureSchemaSnapshot());
    const created = join(dir.path, 'snapshot.db');
    await rawToolsList(['--db', created]);
    const migrated = openDatabase({ path: join(dir.path, 'migrated.db') });
    await migrateToLatest(migrated.db);
    const reference = schemaDump(migrated.sqlite);
    await migrated.close();
    const file = new Database(created, { readonly: true });
    try {
      const dump = schemaDump(file);
      expect(dump.objects).toEqual(reference.objects);
      expect(dump.migrations).toEqual(reference.migrations);
      // The rows the migrations insert; the CLI's set-up (business, brand, settings) adds its own.
      for (const [table, rows] of Object.entries(reference.rows)) if (rows.length > 0) expect(dump.rows[table]).toEqual(rows);
      // Made by the snapshot, which records every migration at one time (the Migrator stamps each as it runs).
      expect(file.prepare('SELECT DISTINCT timestamp FROM kysely_migration').pluck().all()).toHaveLength(1);
    } finally {
      file.close();
    }
  });

  test("the SDK's Ajv, loaded on first use in the bundle, still checks elicitation answers as the SDK does", async () => {
    // scripts/build-cli.mjs turns the SDK's top-level ajv imports into requires on first use: the bundled
    // server built by catalogServer must still validate what a client answers to elicitInput.
    const chunk = Object.keys(meta.outputs).find((file) =>
      Object.keys(outputsOf(file).inputs).some((input) => input.endsWith('validation/ajv-provider.js')),
    );
    expect(chunk).toBeDefined();
    const bundled = (await import(pathToFileURL(join(ROOT, chunk ?? '')).href)) as { catalogServer: typeof catalogServer };
    const server: Server = bundled.catalogServer({} as Engine, { byName: new Map(), listing: [], selected: [] });
    const client = new Client({ name: 'elicit', version: '0' }, { capabilities: { elicitation: { form: {} } } });
    let email = 'not an email';
    client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { email } }));
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    await client.connect(clientSide);
    try {
      const ask = () =>
        server.elicitInput({
          message: 'email?',
          requestedSchema: { type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'] },
        });
      await expect(ask()).rejects.toThrow(/does not match requested schema: .*email.*format "email"/);
      email = 'ok@example.com';
      expect(await ask()).toMatchObject({ action: 'accept', content: { email } });
    } finally {
      await client.close();
    }
  });

  test('--tools dynamic lists the meta-tools of the selection, converted at start as before', async () => {
    const selected = ALL_TOOLS.filter((tool) => tool.resource === 'products');
    const fromSource = JSON.parse(JSON.stringify(buildToolCatalog(selected, true).listing)) as unknown;
    expect(await rawToolsList(['--db', join(dir.path, 'dynamic.db'), '--tools', 'dynamic', '--resource', 'products'])).toEqual({ tools: fromSource });
  });

  test('the first calls, made at once, wait for the tool modules together and answer as the tools do', async () => {
    const client = await stdioClient(['--db', join(dir.path, 'calls.db')]);
    try {
      const [list, missing, unknownArgument] = await Promise.all([
        callTool(client, 'list_products'),
        callTool(client, 'get_product', { product_id: 'pdt_nope' }),
        callTool(client, 'list_products', { bogus: 1 }),
      ]);
      expect(list.structuredContent).toMatchObject({ items: [] });
      expect(missing.isError).toBe(true);
      expect(textOf(missing)).toBe('NOT_FOUND: no product pdt_nope. Next: list_products shows the existing ids');
      expect(unknownArgument.isError).toBe(true);
      expect(textOf(unknownArgument)).toMatch(/^INVALID_REQUEST_BODY: .*bogus/);
    } finally {
      await client.close();
    }
  });
});
