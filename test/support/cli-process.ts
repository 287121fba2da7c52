import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built CLI; test/support/global-setup.ts builds it before any test runs. */
export const CLI = join(ROOT, 'dist', 'cli.js');

/** The runner's environment without BILLING_MCP_* settings (they would change what the CLI does), plus extra. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('BILLING_MCP_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** A fresh directory under the OS temp dir, and its removal for afterAll. */
export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'billing-mcp-e2e-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion with stdin closed (so a stdio server ends at once). */
export function runCli(args: readonly string[], env: Record<string, string> = cliEnv(), timeoutMs = 20_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`billing-mcp ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface HttpCli {
  /** Base URL from the "listening on …" log line, e.g. http://127.0.0.1:40123. */
  url: string;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown at all (open connections and transactions just drop); resolves once the process has exited. */
  kill(): Promise<void>;
}

/** Starts `billing-mcp --transport http --port 0 …args` and resolves once it logs the URL it listens on. */
export function startHttpCli(args: readonly string[], env: Record<string, string> = cliEnv(), timeoutMs = 20_000): Promise<HttpCli> {
  const child = spawn(process.execPath, [CLI, '--transport', 'http', '--port', '0', ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the HTTP server did not start within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({ url, stderr: () => stderr, stop: () => stop(child, exited), kill: () => kill(child, exited) });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the HTTP server exited with ${code} before listening; stderr:\n${stderr}`));
    });
  });
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode === null) child.kill('SIGTERM');
  return exited;
}

async function kill(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}
