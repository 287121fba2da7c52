#!/usr/bin/env node
// Runs a command against a throwaway PostgreSQL cluster that this script owns: its own data directory in
// the system temp folder, a free loopback port, and its socket in that folder, so nothing of the machine's
// own PostgreSQL (if any) is touched. The command gets BILLING_MCP_TEST_PG=postgres://…/billing; when it
// ends the cluster is stopped and its directory removed, whatever the command's outcome.
//
//   node scripts/with-postgres.mjs -- npx vitest run --project unit
//
// PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user (Debian's package
// makes it). Binaries: PG_BIN, else `pg_config --bindir`, else the newest /usr/lib/postgresql/<n>/bin.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const separator = process.argv.indexOf('--');
const command = separator === -1 ? process.argv.slice(2) : process.argv.slice(separator + 1);
if (command.length === 0) {
  console.error('usage: node scripts/with-postgres.mjs -- <command> [args…]');
  process.exit(2);
}

const bin = postgresBin();
const asRoot = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'billing-mcp-pg-'));
const data = join(dir, 'data');
const port = await freePort();
if (asRoot) {
  const { uid, gid } = postgresUser();
  chownSync(dir, uid, gid);
}
chmodSync(dir, 0o700);

let started = false;
let exitCode = 1;
try {
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--locale=C', '--encoding=UTF8', '--no-sync']);
  // Settings for a disposable test cluster: no fsync (its data is thrown away), enough connections for the
  // test workers' pools and the replica soak, and the socket in its own folder.
  const settings = [
    '-c',
    `port=${port}`,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=300',
    '-c',
    'shared_buffers=256MB',
  ];
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', settings.join(' '), 'start']);
  started = true;
  run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'billing']);
  const url = `postgres://postgres@127.0.0.1:${port}/billing`;
  console.error(`[with-postgres] PostgreSQL ${version()} at ${url}`);
  exitCode = await new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, BILLING_MCP_TEST_PG: url } });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
} catch (error) {
  console.error(`[with-postgres] ${error instanceof Error ? error.message : String(error)}`);
  if (existsSync(join(dir, 'log'))) console.error(spawnSync('tail', ['-n', '20', join(dir, 'log')], { encoding: 'utf8' }).stdout);
} finally {
  if (started) spawnSync(...asUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']), { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);

function postgresBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0 && existsSync(join(pgConfig.stdout.trim(), 'initdb'))) return pgConfig.stdout.trim();
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((path) => existsSync(join(path, 'initdb')));
  if (!found) {
    console.error('[with-postgres] PostgreSQL is not installed: apt-get install postgresql (15 or newer), or set PG_BIN');
    process.exit(2);
  }
  return found;
}

function postgresUser() {
  const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root needs a `postgres` user to run the cluster as');
  return { uid, gid: id('-g') };
}

/** The command as the user that owns the cluster. */
function asUser(file, args) {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

function run(file, args) {
  const result = spawnSync(...asUser(file, args), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

function version() {
  return run(join(bin, 'postgres'), ['--version'])
    .trim()
    .replace(/^postgres \(PostgreSQL\) /, '');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
