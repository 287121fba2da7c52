// Rule under test: the packed tarball is a working product on its own. It ships only dist (no source maps;
// the CLI as its esbuild bundle), README.md and package.json; installed into an empty project that approves
// better-sqlite3's install script the way README.md tells users to, `npx --no-install billing-mcp` serves
// every tool over stdio.
//
// npm runs with --strict-allow-scripts, so a dependency with an install script the README does not cover fails
// the install. better-sqlite3's install script is prebuild-install, which normally downloads a prebuilt binary;
// here it is pointed at this checkout's own compiled binding (npm_config_better_sqlite3_local_prebuilds), so the
// install takes seconds instead of a compile of SQLite. Set BILLING_MCP_TEST_BUILD_FROM_SOURCE=1 to compile it
// instead, as on a machine with no prebuilt binary (needs python3, make, g++ and npm_config_nodedir; minutes).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PREBUILT_TOOLS_FILE } from '../../src/cli/deferred-tools.js';
import { SCHEMA_SNAPSHOT_FILE } from '../../src/cli/prebuilt-schema.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { toolsOfSets } from '../../src/tools/toolsets.js';
import { ROOT_DIR } from '../support/readme.js';
import { cleanEnv, listToolsVia } from '../support/spawned-server.js';

const run = promisify(execFile);
const FROM_SOURCE = process.env.BILLING_MCP_TEST_BUILD_FROM_SOURCE === '1';
const INSTALL_TIMEOUT = FROM_SOURCE ? 900_000 : 300_000;

interface PackResult {
  filename: string;
  files: { path: string }[];
}

const tmp = mkdtempSync(join(tmpdir(), 'billing-mcp-tarball-'));
const project = join(tmp, 'app');
const packageJson = JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')) as { name: string; version: string };
let packed: PackResult;
let installLog = '';

/** A prebuild-install archive of this checkout's compiled better-sqlite3 binding, named as prebuild-install looks for it. */
async function localPrebuild(): Promise<string> {
  const moduleDir = join(ROOT_DIR, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(moduleDir, 'package.json'), 'utf8')) as { version: string };
  const dir = join(tmp, 'prebuilds');
  mkdirSync(dir);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await run('tar', ['-czf', join(dir, name), '-C', moduleDir, 'build/Release/better_sqlite3.node']);
  return dir;
}

beforeAll(async () => {
  // --ignore-scripts: `npm test` has just built dist, and prepack's rebuild would pull dist from under the other
  // test files running in parallel.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
    cwd: ROOT_DIR,
    env: cleanEnv(),
  });
  const results = JSON.parse(stdout) as PackResult[];
  packed = results[0] ?? { filename: '', files: [] };

  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'billing-mcp-consumer', version: '1.0.0', private: true, allowScripts: { 'better-sqlite3': true } }),
  );
  const env = cleanEnv(FROM_SOURCE ? { npm_config_build_from_source: 'true' } : { npm_config_better_sqlite3_local_prebuilds: await localPrebuild() });
  const install = await run('npm', ['install', '--strict-allow-scripts', '--prefer-offline', '--no-audit', '--no-fund', join(tmp, packed.filename)], {
    cwd: project,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  installLog = `${install.stdout}\n${install.stderr}`;
}, INSTALL_TIMEOUT);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the packed tarball', () => {
  test('ships dist, README.md and package.json, and nothing else', () => {
    expect(packed.filename).toBe(`${packageJson.name}-${packageJson.version}.tgz`);
    const paths = packed.files.map((file) => file.path);
    expect(paths).toContain('dist/cli.js');
    expect(paths).toContain(`dist/${PREBUILT_TOOLS_FILE}`);
    expect(paths).toContain(`dist/${SCHEMA_SNAPSHOT_FILE}`);
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('README.md');
    expect(paths).toContain('package.json');
    const extra = ['README.md', 'package.json', 'LICENSE', `dist/${PREBUILT_TOOLS_FILE}`, `dist/${SCHEMA_SNAPSHOT_FILE}`];
    expect(paths.filter((path) => !/^dist\/.+\.(js|d\.ts)$/.test(path) && !extra.includes(path))).toEqual([]);
  });

  test('ships the CLI as the bundle only: the modules it replaces, reached from no export, stay out', () => {
    const paths = packed.files.map((file) => file.path);
    // Every CLI file is the bundle's (dist/cli.js and its dist/cli-*.js chunks); the library (exports ".")
    // never imports the transports or the demo catalog, which only the CLI uses.
    expect(paths.filter((path) => /^dist\/(cli\/|transports\/|demo\.)/.test(path))).toEqual([]);
    expect(paths.filter((path) => /^dist\/cli-[\w-]+\.js$/.test(path)).length).toBeGreaterThan(1);
  });

  test('installs into an empty project with only better-sqlite3 approved to run an install script', () => {
    expect(installLog).not.toMatch(/not yet covered by allowScripts/);
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', 'billing-mcp', 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(packageJson.version);
  });

  test('npx --no-install billing-mcp --version answers from the installed bin', async () => {
    const { stdout } = await run('npx', ['--no-install', 'billing-mcp', '--version'], { cwd: project, env: cleanEnv() });
    expect(stdout.trim()).toBe(`${packageJson.name} ${packageJson.version}`);
  });

  test('npx --no-install billing-mcp --db <tmp> serves every tool over stdio', async () => {
    const db = join(tmp, 'data', 'billing.db');
    const transport = new StdioClientTransport({
      command: 'npx',
      args: ['--no-install', 'billing-mcp', '--db', db],
      cwd: project,
      env: cleanEnv(),
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const listed = await listToolsVia(transport);
    expect(listed.names).toEqual(toolsOfSets(ALL_TOOLS, ['default']).map((tool) => tool.name));
    expect(listed.products, stderr).toMatchObject({ items: [] });
    expect(stderr).toContain(`billing-mcp: database ${db}`);
  }, 60_000);
});
