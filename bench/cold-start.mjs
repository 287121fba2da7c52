// Cold start: spawn → first tools/list answer of dist/cli.js against a bare node start, in the same run.
// `npm run bench` runs it among the rest; alone: node bench/cold-start.mjs [--runs 10] (uses dist/ as built).
import { deepStrictEqual } from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ratio, round, roundStats, summarize } from './stats.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 15_000;
/** Issue 14: spawn → tools/list at most 3 bare node starts (median against median, same run). */
export const COLD_START_TARGET_RATIO = 3;

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

/**
 * `runs` rounds of every case, interleaved so that neighbours' load hits all alike, after one unmeasured
 * round that warms the page cache (and Node 22+'s compile cache) and creates the existing database. The
 * ratios are medians against the baseline's median; every tools/list answer must be the first one.
 */
export async function measureColdStart(tmp, dist, runs) {
  const cases = coldStartCases(tmp, dist);
  await cases.baseline();
  await cases.version();
  const first = await cases.freshDb('warmup');
  await cases.existingDb();
  const samples = { baseline: [], version: [], freshDb: [], existingDb: [] };
  const list = first.toolsList;
  for (let run = 0; run < runs; run++) {
    samples.baseline.push((await cases.baseline()).ms);
    samples.version.push((await cases.version()).ms);
    const fresh = await cases.freshDb(run);
    samples.freshDb.push(fresh.ms);
    deepStrictEqual(fresh.toolsList, list, 'dist/cli.js answered tools/list differently across runs');
    samples.existingDb.push((await cases.existingDb()).ms);
  }
  const stats = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)]));
  const base = stats.baseline.median;
  return {
    runs,
    baseline: { ...roundStats(stats.baseline), what: 'node -e: start, read a line, echo it' },
    version: {
      ...roundStats(stats.version),
      ratio: ratio(stats.version.median, base),
      what: 'dist/cli.js --version: the entry and the option parser, print, exit',
    },
    freshDb: { ...roundStats(stats.freshDb), ratio: ratio(stats.freshDb.median, base), what: 'spawn → tools/list answer, new database file' },
    existingDb: {
      ...roundStats(stats.existingDb),
      ratio: ratio(stats.existingDb.median, base),
      what: 'spawn → tools/list answer, existing database',
    },
    cliList: list,
  };
}

async function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
  const tmp = mkdtempSync(join(tmpdir(), 'billing-mcp-cold-'));
  try {
    const cold = await measureColdStart(tmp, join(REPO, 'dist'), Number(values.runs));
    process.stdout.write(`node ${process.version}, ${cold.runs} runs each, medians in ms\n`);
    for (const key of ['baseline', 'version', 'freshDb', 'existingDb']) {
      const ratioText = key === 'baseline' ? '1.00x' : `${cold[key].ratio.toFixed(2)}x`;
      process.stdout.write(`${key.padEnd(11)} ${round(cold[key].median, 1).toFixed(1).padStart(8)}  ${ratioText.padStart(6)}  ${cold[key].what}\n`);
    }
    const worst = Math.max(cold.freshDb.ratio, cold.existingDb.ratio);
    process.stdout.write(
      `target: spawn → tools/list ≤ ${COLD_START_TARGET_RATIO}x bare node: ${worst <= COLD_START_TARGET_RATIO ? 'PASS' : 'MISS'} (${worst.toFixed(2)}x)\n`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    process.stderr.write(`cold-start: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
