import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 15_000;

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'billing-mcp-bench', version: '0.0.0' } },
};
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
const toolsList = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };

/** The baseline process: node starts, reads one line from stdin and writes it back. */
const ECHO_SCRIPT = "process.stdin.once('data', (line) => process.stdout.write(line))";

/**
 * Spawns `node ...args`, writes the MCP initialize request at once (as a client does), and drives the
 * handshake line by line. `until`: 'first-line' stops the clock at the first stdout line (baseline, --version);
 * 'tools-list' at the tools/list answer, after initialize → initialized → tools/list.
 */
async function timeSpawn(args, until) {
  const start = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString();
  });
  child.stdin.on('error', () => undefined);
  const exited = once(child, 'exit');
  const send = (message) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const lines = createInterface({ input: child.stdout });
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  send(initialize);
  try {
    for await (const line of lines) {
      if (until === 'first-line') return { ms: performance.now() - start };
      const message = JSON.parse(line);
      if (message.error) throw new Error(`${JSON.stringify(message.error)}`);
      if (message.id === 1) {
        send(initialized);
        send(toolsList);
      } else if (message.id === 2) {
        return { ms: performance.now() - start, toolsList: message.result };
      }
    }
    throw new Error(`node ${args.join(' ')} closed stdout before answering:\n${stderr}`);
  } finally {
    clearTimeout(timer);
    lines.close();
    child.stdin.end();
    if (child.exitCode === null && child.signalCode === null) {
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
  }
}

/** The cold-start cases for the cli.js of build `dist`, with databases under `tmp`. */
export function coldStartCases(tmp, dist) {
  const cli = join(dist, 'cli.js');
  return {
    baseline: () => timeSpawn(['-e', ECHO_SCRIPT], 'first-line'),
    version: () => timeSpawn([cli, '--version'], 'first-line'),
    freshDb: (run) => timeSpawn([cli, '--db', join(tmp, `fresh-${run}.db`)], 'tools-list'),
    existingDb: () => timeSpawn([cli, '--db', join(tmp, 'existing.db')], 'tools-list'),
  };
}
