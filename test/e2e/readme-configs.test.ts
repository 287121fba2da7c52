// Rule under test: every client config in README.md works as written. Each marked block is parsed and its shape
// checked, then the command it names is run against the built package (`npx -y billing-mcp` becomes
// `node dist/cli.js` with the same args and env) and the SDK's own client lists the tools through it,
// counting what it is sent: the default toolset, main-job tools within Cursor's first 40, the budget. The Docker
// config is checked against the Dockerfile, whose CMD and HEALTHCHECK are run the way the image would run them.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { toolsOfSets } from '../../src/tools/toolsets.js';
import { configBlock, configNames, readReadme, ROOT_DIR, shellWords } from '../support/readme.js';
import { MAIN_JOB_TOOLS } from '../support/main-jobs.js';
import { answers, cleanEnv, freePort, type ListedTools, listToolsVia, type SpawnedServer, spawnServer } from '../support/spawned-server.js';

const readme = readReadme();
const CLI = join(ROOT_DIR, 'dist', 'cli.js');
const DEFAULT_TOOL_NAMES = toolsOfSets(ALL_TOOLS, ['default']).map((tool) => tool.name);
const E2E_TIMEOUT = 60_000;

const tmp = mkdtempSync(join(tmpdir(), 'billing-mcp-readme-configs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => join(tmp, `run-${++dirs}`);

interface ServerEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');

/** A `{"mcpServers": {"billing": {command, args, env?}}}` block, as Claude Desktop and Cursor read it. */
function clientConfig(name: string): ServerEntry {
  const block = configBlock(readme, name);
  expect(block.lang, `config:${name} is a json block`).toBe('json');
  const parsed: unknown = JSON.parse(block.body);
  if (typeof parsed !== 'object' || parsed === null || !('mcpServers' in parsed)) throw new Error(`config:${name} has no mcpServers`);
  const servers = parsed.mcpServers;
  if (typeof servers !== 'object' || servers === null) throw new Error(`config:${name}: mcpServers is not an object`);
  expect(Object.keys(parsed), `config:${name} top-level keys`).toEqual(['mcpServers']);
  expect(Object.keys(servers), `config:${name} server names`).toEqual(['billing']);
  const entry: unknown = 'billing' in servers ? servers.billing : undefined;
  if (typeof entry !== 'object' || entry === null) throw new Error(`config:${name}: mcpServers.billing is not an object`);
  for (const key of Object.keys(entry)) expect(['command', 'args', 'env'], `config:${name} key ${key}`).toContain(key);
  const command = 'command' in entry ? entry.command : undefined;
  const args = 'args' in entry ? entry.args : undefined;
  const env = 'env' in entry ? entry.env : undefined;
  if (typeof command !== 'string' || !isStringArray(args)) throw new Error(`config:${name}: command must be a string, args strings`);
  if (env !== undefined && !isStringRecord(env)) throw new Error(`config:${name}: env must map names to strings`);
  return env === undefined ? { command, args } : { command, args, env };
}

/** `npx -y billing-mcp …` → `node dist/cli.js …`: the built package, same arguments. */
function builtPackage(command: string, args: readonly string[]): { command: string; args: string[] } {
  expect([command, ...args.slice(0, 2)], 'the config starts the package with npx -y billing-mcp').toEqual(['npx', '-y', 'billing-mcp']);
  return { command: process.execPath, args: [CLI, ...args.slice(2)] };
}

/**
 * What a client started from a README config is sent (issue 14): the default toolset, in order, within the
 * context budget, with the server instructions; under Cursor's first-40 cut every main-job tool remains.
 */
function expectWhatAClientIsSent(listed: ListedTools): void {
  expect(listed.names).toEqual(DEFAULT_TOOL_NAMES);
  expect(
    MAIN_JOB_TOOLS.filter((name) => !listed.names.slice(0, 40).includes(name)),
    'main-job tools beyond the first 40',
  ).toEqual([]);
  expect(listed.bytes).toBeLessThanOrEqual(45_000);
  expect(listed.instructions).toContain('preview_subscription_plan_change');
  expect(Buffer.byteLength(listed.instructions)).toBeLessThanOrEqual(1_500);
}

test('every config block in README.md is one this file runs', () => {
  expect(configNames(readme).sort()).toEqual(
    [
      'claude-code',
      'claude-desktop',
      'compose',
      'cursor',
      'docker',
      'docker-stdio',
      'http-server',
      'mcp-remote',
      'mcp-remote-bearer',
      'mcp-remote-sse',
    ].sort(),
  );
});

describe('stdio configs', () => {
  /** Runs a config the way a client does: its command, args and env, over stdio, with a private data folder. */
  async function runStdio(entry: ServerEntry): Promise<void> {
    const dataHome = freshDir();
    const { command, args } = builtPackage(entry.command, entry.args);
    const transport = new StdioClientTransport({ command, args, env: { XDG_DATA_HOME: dataHome, ...entry.env }, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const listed = await listToolsVia(transport);
    expectWhatAClientIsSent(listed);
    expect(listed.products).toMatchObject({ items: [] });
    // No --db in the config: the database is in the default place, and the server says where.
    const db = join(dataHome, 'billing-mcp', 'billing.db');
    expect(existsSync(db), `${db} should exist; stderr:\n${stderr}`).toBe(true);
    expect(stderr).toContain(`database ${db}`);
  }

  test.each(['claude-desktop', 'cursor'])(
    'config:%s starts npx -y billing-mcp and is sent the default toolset, main jobs within the first 40',
    async (name) => {
      const entry = clientConfig(name);
      expect(entry).toEqual({ command: 'npx', args: ['-y', 'billing-mcp'] });
      await runStdio(entry);
    },
    E2E_TIMEOUT,
  );

  test(
    'config:claude-code adds the same command under the name billing',
    async () => {
      const block = configBlock(readme, 'claude-code');
      expect(block.lang).toBe('sh');
      const words = shellWords(block.body.trim());
      const separator = words.indexOf('--');
      expect(words.slice(0, separator)).toEqual(['claude', 'mcp', 'add', 'billing']);
      const [command = '', ...args] = words.slice(separator + 1);
      expect({ command, args }).toEqual(clientConfig('claude-desktop'));
      await runStdio({ command, args });
    },
    E2E_TIMEOUT,
  );
});

/** `npx -y mcp-remote URL [--transport T] [--header "Name:${VAR}"]` → the SDK client mcp-remote would be. */
function remoteTransport(entry: ServerEntry, port: number): { url: URL; transport: Transport; headers: Record<string, string> } {
  expect(entry.command).toBe('npx');
  expect(entry.args.slice(0, 2)).toEqual(['-y', 'mcp-remote']);
  const url = new URL(entry.args[2] ?? '');
  expect(url.hostname).toBe('127.0.0.1');
  expect(url.port, 'the URL uses the port the README starts the server on').toBe('3000');
  url.port = String(port);
  let mode = 'http-first';
  const headers: Record<string, string> = {};
  for (let i = 3; i < entry.args.length; i += 2) {
    const [flag, value = ''] = [entry.args[i], entry.args[i + 1]];
    if (flag === '--transport') mode = value;
    else if (flag === '--header') {
      // mcp-remote expands ${VAR} from its environment and splits the header at the first colon.
      const expanded = value.replace(/\$\{([A-Z_]+)\}/g, (_m, name: string) => entry.env?.[name] ?? '');
      const colon = expanded.indexOf(':');
      headers[expanded.slice(0, colon).trim()] = expanded.slice(colon + 1).trim();
    } else throw new Error(`mcp-remote flag ${flag} is not one this test knows how to follow`);
  }
  const requestInit = { headers };
  if (mode === 'sse-only') {
    expect(url.pathname).toBe('/sse');
    return { url, transport: new SSEClientTransport(url, { requestInit }), headers };
  }
  expect(mode).toBe('http-first');
  expect(url.pathname).toBe('/mcp');
  return { url, transport: new StreamableHTTPClientTransport(url, { requestInit }), headers };
}

describe('HTTP configs through mcp-remote', () => {
  let server: SpawnedServer;
  let port = 0;

  beforeAll(async () => {
    const block = configBlock(readme, 'http-server');
    expect(block.lang).toBe('sh');
    const words = shellWords(block.body.trim());
    const built = builtPackage(words[0] ?? '', words.slice(1));
    const portAt = built.args.indexOf('--port');
    expect(built.args[portAt + 1]).toBe('3000');
    port = await freePort();
    built.args[portAt + 1] = String(port);
    server = await spawnServer(built.command, built.args, {
      env: cleanEnv({ XDG_DATA_HOME: freshDir() }),
      ready: () => answers(`http://127.0.0.1:${port}/health`),
    });
  }, E2E_TIMEOUT);
  afterAll(async () => {
    await server?.stop();
  });

  test.each(['mcp-remote', 'mcp-remote-sse'])(
    'config:%s reaches the server started by config:http-server',
    async (name) => {
      const { transport } = remoteTransport(clientConfig(name), port);
      expectWhatAClientIsSent(await listToolsVia(transport));
    },
    E2E_TIMEOUT,
  );
});

interface DockerInstruction {
  keyword: string;
  rest: string;
}

/** Dockerfile → stages of instructions; continuation lines joined, comments dropped. */
function dockerStages(text: string): DockerInstruction[][] {
  const stages: DockerInstruction[][] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const line of lines.map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'))) {
    const match = /^([A-Z]+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`Dockerfile: cannot read "${line}"`);
    const instruction = { keyword: match[1] ?? '', rest: (match[2] ?? '').replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages[stages.length - 1]?.push(instruction);
  }
  return stages;
}

const all = (stage: readonly DockerInstruction[], keyword: string): string[] => stage.filter((i) => i.keyword === keyword).map((i) => i.rest);
const one = (stage: readonly DockerInstruction[], keyword: string): string => {
  const found = all(stage, keyword);
  expect(found, `the runtime stage has one ${keyword}`).toHaveLength(1);
  return found[0] ?? '';
};
const execForm = (text: string): string[] => {
  const parsed: unknown = JSON.parse(text);
  if (!isStringArray(parsed)) throw new Error(`not an exec-form array: ${text}`);
  return parsed;
};

// compose.yaml (issue 17): the README shows it verbatim; the server waits for a healthy PostgreSQL and reaches it by
// its service name with its credentials; replicas need --stateless. test/postgres/compose.test.ts runs the server
// with this environment against a real PostgreSQL.
describe('Docker Compose', () => {
  const file = readFileSync(join(ROOT_DIR, 'compose.yaml'), 'utf8');
  const compose = parseYaml(file) as {
    services: Record<
      string,
      {
        image?: string;
        build?: string;
        environment: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        healthcheck?: { test: string[] };
        ports?: string[];
      }
    >;
    volumes: Record<string, unknown>;
  };
  const { postgres, 'billing-mcp': server } = compose.services;

  test('config:compose is compose.yaml, verbatim', () => {
    const block = configBlock(readme, 'compose');
    expect(block.lang).toBe('yaml');
    expect(`${block.body}\n`).toBe(file);
  });

  test('the server starts after PostgreSQL is healthy and reaches it by service name and credentials', () => {
    expect(postgres?.image).toMatch(/^postgres:(1[5-9]|[2-9]\d)\b/);
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(server?.build).toBe('.');
    expect(server?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    const env = server?.environment ?? {};
    const url = new URL(env.BILLING_MCP_DB ?? '');
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgres');
    expect(url.username).toBe(postgres?.environment.POSTGRES_USER);
    expect(url.password).toBe(postgres?.environment.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${postgres?.environment.POSTGRES_DB ?? ''}`);
    expect(env.BILLING_MCP_STATELESS).toBe('1');
    // The image binds 0.0.0.0, where the server requires a token: compose refuses to start without one.
    expect(env.BILLING_MCP_AUTH_TOKEN).toMatch(/^\$\{BILLING_MCP_AUTH_TOKEN:\?/);
    expect(server?.ports).toEqual(['3000:3000']);
    expect(Object.keys(compose.volumes)).toEqual(['billing-pg']);
  });
});

describe('Docker', () => {
  const stages = dockerStages(readFileSync(join(ROOT_DIR, 'Dockerfile'), 'utf8'));
  const builder = stages[0] ?? [];
  const runtime = stages[stages.length - 1] ?? [];
  const imageEnv: Record<string, string> = {};
  for (const rest of all(runtime, 'ENV')) {
    for (const pair of rest.split(' ')) {
      const [key = '', value = ''] = pair.split('=');
      imageEnv[key] = value;
    }
  }
  const volumeText = one(runtime, 'VOLUME');
  const volume = volumeText.startsWith('[') ? (execForm(volumeText)[0] ?? '') : volumeText;
  const cmd = execForm(one(runtime, 'CMD'));
  const healthcheck = execForm(one(runtime, 'HEALTHCHECK').replace(/^.*?\bCMD\s+/, ''));

  const dockerBlock = configBlock(readme, 'docker');
  const commands = dockerBlock.body.split('\n').map((line) => shellWords(line));
  const build = commands.find((words) => words[1] === 'build') ?? [];
  const run = commands.find((words) => words[1] === 'run') ?? [];
  /** `docker run` options: repeated -p/-v/-e values, --name, the image (the first plain word). */
  const runOptions = (words: readonly string[]) => {
    const options: Record<string, string[]> = {};
    let image = '';
    for (let i = 2; i < words.length; i++) {
      const word = words[i] ?? '';
      if (['-p', '-v', '-e', '--name'].includes(word)) options[word] = [...(options[word] ?? []), words[++i] ?? ''];
      else if (word.startsWith('-')) options[word] = [...(options[word] ?? []), ''];
      else if (image === '') image = word;
    }
    return { options, image };
  };

  test('the Dockerfile builds natively in one stage and runs on the same slim base as a non-root user', () => {
    expect(stages).toHaveLength(2);
    expect(builder[0]?.rest).toBe('node:22-bookworm-slim AS builder');
    expect(runtime[0]?.rest).toBe('node:22-bookworm-slim');
    const builderRuns = all(builder, 'RUN').join('\n');
    for (const step of ['python3', 'make', 'g++', 'npm ci', 'npm run build', 'npm prune --omit=dev']) expect(builderRuns).toContain(step);
    const user = one(runtime, 'USER');
    expect(['root', '0', '']).not.toContain(user);
    // The builder copies what `npm run build` reads: the tsconfig files, src, and the script that bundles the CLI.
    const buildScript = (JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.build ?? '';
    const buildInputs = ['tsconfig.json', 'src', ...(buildScript.match(/\b(?:tsconfig[\w.]*\.json|scripts\/[\w.-]+\.mjs)\b/g) ?? [])];
    expect(buildInputs).toContain('scripts/build-cli.mjs');
    const builderCopies = all(builder, 'COPY').join('\n');
    for (const path of buildInputs) expect(builderCopies, `the builder copies ${path} for npm run build`).toContain(path);
    // The bundle's chunks read ../package.json, so the runtime stage needs it beside dist.
    const copies = all(runtime, 'COPY').join('\n');
    for (const path of ['/app/package.json', '/app/node_modules', '/app/dist']) expect(copies).toContain(path);
    expect(cmd).toEqual(['node', 'dist/cli.js']);
    expect(healthcheck[0]).toBe('node');
    expect(healthcheck.join(' ')).toContain('/health');
  });

  test('config:docker agrees with the Dockerfile: port, volume, token, image', () => {
    expect(dockerBlock.lang).toBe('sh');
    expect(build.slice(0, 4)).toEqual(['docker', 'build', '-t', build[3]]);
    expect(build[4]).toBe('.');
    const { options, image } = runOptions(run);
    expect(image).toBe(build[3]);
    expect(imageEnv).toMatchObject({
      BILLING_MCP_TRANSPORT: 'http',
      BILLING_MCP_HOST: '0.0.0.0',
      BILLING_MCP_PORT: '3000',
      BILLING_MCP_DB: '/data/billing.db',
    });
    expect(one(runtime, 'EXPOSE')).toBe(imageEnv.BILLING_MCP_PORT);
    expect(options['-p']).toEqual([`${imageEnv.BILLING_MCP_PORT}:${one(runtime, 'EXPOSE')}`]);
    const [volumeName = '', volumeTarget = ''] = (options['-v']?.[0] ?? '').split(':');
    expect(volumeName).toBe('billing-data');
    expect(volumeTarget).toBe(volume);
    expect(posix.dirname(imageEnv.BILLING_MCP_DB ?? '')).toBe(volumeTarget);
    // The image binds 0.0.0.0, where the server requires a token.
    expect(options['-e']?.some((e) => e.startsWith('BILLING_MCP_AUTH_TOKEN='))).toBe(true);
  });

  describe('the image command, run here', () => {
    let server: SpawnedServer;
    let env: Record<string, string> = {};
    let dataDir = '';
    let port = 0;

    /** The container's environment: the image ENV, the README's -e values, the volume mapped to a temp folder. */
    const containerEnv = (extra: readonly string[]): Record<string, string> => {
      const result = cleanEnv({ ...imageEnv });
      for (const assignment of extra) {
        const [key = '', ...value] = assignment.split('=');
        result[key] = value.join('=');
      }
      result.BILLING_MCP_DB = join(dataDir, posix.relative(volume, result.BILLING_MCP_DB ?? ''));
      return result;
    };

    beforeAll(async () => {
      dataDir = join(freshDir(), 'data');
      port = await freePort();
      env = { ...containerEnv(runOptions(run).options['-e'] ?? []), BILLING_MCP_PORT: String(port) };
      expect(cmd[0]).toBe('node');
      server = await spawnServer(process.execPath, [join(ROOT_DIR, cmd[1] ?? ''), ...cmd.slice(2)], {
        env,
        cwd: ROOT_DIR,
        ready: () => answers(`http://127.0.0.1:${port}/health`),
      });
    }, E2E_TIMEOUT);
    afterAll(async () => {
      await server?.stop();
    });

    test('/health answers and the database is in the volume', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok' });
      expect(existsSync(join(dataDir, 'billing.db'))).toBe(true);
      expect(server.stderr()).toContain(`database ${join(dataDir, 'billing.db')}`);
    });

    test(
      'the HEALTHCHECK command passes, and fails when nothing answers',
      async () => {
        const [node, ...args] = healthcheck;
        expect(node).toBe('node');
        const healthy = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 15_000 });
        expect(healthy.status, healthy.stderr).toBe(0);
        const unhealthy = spawnSync(process.execPath, args, { env: { ...env, BILLING_MCP_PORT: String(await freePort()) }, timeout: 15_000 });
        expect(unhealthy.status).toBe(1);
      },
      E2E_TIMEOUT,
    );

    test(
      'config:mcp-remote-bearer gets in with the token config:docker sets; no token is 401',
      async () => {
        const entry = clientConfig('mcp-remote-bearer');
        const { url, transport, headers } = remoteTransport(entry, port);
        expect(headers.Authorization).toBe(`Bearer ${env.BILLING_MCP_AUTH_TOKEN}`);
        expectWhatAClientIsSent(await listToolsVia(transport));

        const refused = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        });
        expect(refused.status).toBe(401);
      },
      E2E_TIMEOUT,
    );
  });

  test(
    'config:docker-stdio runs the image command over stdio on the same volume',
    async () => {
      const entry = clientConfig('docker-stdio');
      expect(entry.command).toBe('docker');
      const { options, image } = runOptions(['docker', ...entry.args]);
      expect(entry.args[0]).toBe('run');
      expect(options['-i']).toBeDefined();
      expect(options['--rm']).toBeDefined();
      expect(image).toBe(build[3]);
      expect(options['-v']).toEqual(runOptions(run).options['-v']);
      const dataDir = join(freshDir(), 'data');
      const env: Record<string, string> = { ...imageEnv };
      for (const assignment of options['-e'] ?? []) {
        const [key = '', ...value] = assignment.split('=');
        env[key] = value.join('=');
      }
      expect(env.BILLING_MCP_TRANSPORT).toBe('stdio');
      env.BILLING_MCP_DB = join(dataDir, posix.relative(volume, env.BILLING_MCP_DB ?? ''));
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [join(ROOT_DIR, cmd[1] ?? ''), ...cmd.slice(2)],
        cwd: ROOT_DIR,
        env,
        stderr: 'pipe',
      });
      expectWhatAClientIsSent(await listToolsVia(transport));
      expect(existsSync(join(dataDir, 'billing.db'))).toBe(true);
    },
    E2E_TIMEOUT,
  );
});
