// Rule under test (issue 17): compose.yaml's server, run here against a real PostgreSQL the way compose runs it —
// the image's environment and command, compose's environment with the database reached as compose names it
// (the `postgres` service's role, password and database, on this run's server instead of the service's host) —
// migrates an empty database, passes the image's HEALTHCHECK, and serves MCP statelessly: initialize and a tool
// call answered with no session id. Docker itself cannot run here; this runs what the containers would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT_DIR } from '../support/readme.js';
import { cleanEnv, freePort, type SpawnedServer, spawnServer } from '../support/spawned-server.js';
import { TEST_POSTGRES_URL } from '../support/test-database.js';

type Service = { environment: Record<string, string> };
const compose = parseYaml(readFileSync(join(ROOT_DIR, 'compose.yaml'), 'utf8')) as { services: Record<string, Service> };
const postgres = compose.services.postgres as Service;
const billing = compose.services['billing-mcp'] as Service;

/** The Dockerfile's runtime ENV, CMD and HEALTHCHECK command (exec form). */
function image(): { env: Record<string, string>; cmd: string[]; healthcheck: string[] } {
  const text = readFileSync(join(ROOT_DIR, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const runtime = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of runtime.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const [key = '', value = ''] = pair.split('=');
      env[key] = value;
    }
  }
  const execForm = (keyword: string) =>
    JSON.parse(
      /^(?:HEALTHCHECK .*?\bCMD|CMD) (\[.*\])$/m.exec(runtime.split('\n').find((l) => l.startsWith(keyword)) ?? '')?.[1] ?? '[]',
    ) as string[];
  return { env, cmd: execForm('CMD'), healthcheck: execForm('HEALTHCHECK') };
}

const TOKEN = 'compose-test-token';
let server: SpawnedServer;
let admin: pg.Client;
let port = 0;
let composeUrl = '';
const { env: imageEnv, cmd, healthcheck } = image();
const role = postgres.environment.POSTGRES_USER as string;
const database = `${postgres.environment.POSTGRES_DB as string}_compose`;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} LOGIN PASSWORD '${postgres.environment.POSTGRES_PASSWORD as string}'; END IF; END $$`,
  );
  await admin.query(`CREATE DATABASE ${database} OWNER ${role}`);
  // Compose's URL, pointed at this run's server: same role, password and (suffixed) database.
  const url = new URL(billing.environment.BILLING_MCP_DB as string);
  const here = new URL(TEST_POSTGRES_URL as string);
  url.host = here.host;
  url.pathname = `/${database}`;
  composeUrl = url.toString();
  port = await freePort();
  const env = cleanEnv({
    ...imageEnv,
    ...billing.environment,
    BILLING_MCP_DB: url.toString(),
    BILLING_MCP_AUTH_TOKEN: TOKEN,
    BILLING_MCP_PORT: String(port),
  });
  expect(cmd[0]).toBe('node');
  server = await spawnServer(process.execPath, [join(ROOT_DIR, cmd[1] ?? ''), ...cmd.slice(2)], {
    env,
    cwd: ROOT_DIR,
    ready: async () => spawnSync(process.execPath, healthcheck.slice(1), { env, timeout: 5000 }).status === 0,
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin?.end();
});

describe("compose.yaml's server on PostgreSQL", () => {
  test("migrates the empty database as compose's role and passes the image's HEALTHCHECK", async () => {
    expect(healthcheck[0]).toBe('node');
    expect(spawnSync(process.execPath, healthcheck.slice(1), { env: { ...process.env, BILLING_MCP_PORT: String(port) } }).status).toBe(0);
    // The engine's tables, in compose's database, owned by compose's role.
    const composed = new pg.Client({ connectionString: composeUrl });
    await composed.connect();
    try {
      const owners = await composed.query<{ tableowner: string }>(
        `SELECT DISTINCT tableowner FROM pg_tables WHERE tablename IN ('kysely_migration', 'products', 'usage_events')`,
      );
      expect(owners.rows).toEqual([{ tableowner: role }]);
    } finally {
      await composed.end();
    }
    const password = postgres.environment.POSTGRES_PASSWORD as string;
    expect(server.stderr()).toContain(`database postgres://${role}:…@`);
    expect(server.stderr()).not.toContain(`${role}:${password}@`);
  });

  test('serves MCP statelessly: initialize and tools/call answered as JSON, with no session id', async () => {
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${port}/mcp`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'MCP-Protocol-Version': '2025-06-18',
        },
        body: JSON.stringify(body),
      });
    const init = await post({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'compose-test', version: '0' } },
    });
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    expect(init.headers.get('content-type')).toContain('application/json');
    const call = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_products', arguments: {} } });
    expect(call.status).toBe(200);
    const answer = (await call.json()) as { result?: { structuredContent?: { items?: unknown[] } } };
    expect(answer.result?.structuredContent?.items).toEqual([]);
    const stream = await fetch(`http://127.0.0.1:${port}/mcp`, { headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'text/event-stream' } });
    expect(stream.status).toBe(405);
  });
});
