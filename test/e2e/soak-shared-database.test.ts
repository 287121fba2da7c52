// Rule under test (issue 12 "Several assistants, one database", SPEC D17): any number of server processes on
// one database are one engine, under sustained mixed load and through a crash. The soak runs three real
// servers (the built CLI: two over stdio, one over HTTP, each with the SDK's own client) on one SQLite file
// and, for about 45 s, three loops per server fire random operations at once: subscription checkouts (Basic,
// or the usage plan), one-time purchases, prorated plan changes, full refunds, wallet credits and debits,
// usage batches stamped by the engine, and now and then a 3-day test-clock advance from any server. About
// 20 s in, one stdio server is killed (SIGKILL) and a new one takes its place on the same file; what was
// in flight there is lost, not counted, and its usage batches are re-sent elsewhere. Every answer is
// classified: business refusals are allowed, INTERNAL_SERVER_ERROR and DATABASE_BUSY never. Afterwards one
// advance closes every period holding usage, all servers show the same clock, and the file must add up:
// integrity ok, wallets equal to their ledgers, no refund above its payment, every period renewed exactly
// once (none skipped, no payment shared), no advance lease left behind, and every acknowledged usage event
// stored once and billed once. The load, its refusal rules and the checks shared with the PostgreSQL replica
// soak are test/support/soak-load.ts's; this file starts the servers, kills and replaces one, and reads the file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CLI, tempDir } from '../support/cli-process.js';
import { billedUnitsByCustomer, httpServer, readInvariants, type Server, stdioServer } from '../support/shared-servers.js';
import {
  closeEveryPeriod,
  createCatalog,
  expectMoneyAndPeriodsAddUp,
  expectOnlyBusinessRefusals,
  expectRealWork,
  expectUsageStoredAndBilledOnce,
  logSummary,
  messageOf,
  soakLoad,
  stepReporting,
} from '../support/soak-load.js';

/** Something a server reported: stderr output, a transport error, its process's exit. */
interface Diagnostic {
  name: string;
  text: string;
}

let dir: Awaited<ReturnType<typeof tempDir>>;
const live: Server[] = [];

beforeAll(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  for (const server of live.splice(0)) await server.close().catch(() => undefined);
});
afterAll(async () => {
  await dir?.remove();
});

/** Any transport error a server's client sees, and the end of its connection (its process exited, or was killed). */
function captureDiagnostics(server: Server, into: Diagnostic[]): void {
  const { name } = server;
  server.client.onerror = (error) => into.push({ name, text: `${name} transport error: ${error.message}` });
  server.client.onclose = () => into.push({ name, text: `${name} exited: its connection closed` });
}

describe('soak: three servers, one database, one killed midway (built CLI)', () => {
  test('45 s of mixed load: only business refusals, one clock, and the file adds up', async () => {
    const started = Date.now();
    const db = join(dir.path, 'soak.db');
    const diagnostics: Diagnostic[] = [];
    // A stdio server's stderr: the start-up lines name the database and the page server's address; anything
    // else (a stack trace) is news.
    const startStdio = async (name: string) => {
      const server = await stdioServer(name, db, (chunk) => {
        const text = chunk.replace(/^billing-mcp: database \S+\n/m, '').replace(/^billing-mcp: checkout and portal pages at \S+\n/m, '');
        if (text.trim() !== '') diagnostics.push({ name, text: `${name} stderr: ${text}` });
      });
      live.push(server);
      captureDiagnostics(server, diagnostics);
      return server;
    };

    const a = await startStdio('A');
    const b = await startStdio('B');
    const h = await httpServer('H', db);
    live.push(h);
    captureDiagnostics(h, diagnostics);

    const load = soakLoad({ catalog: await createCatalog(a) });

    // Three slots, one per server; slot 1's server is replaced midway.
    const slots: Promise<Server>[] = [Promise.resolve(a), Promise.resolve(b), Promise.resolve(h)];
    let replacement: Server | undefined;
    const crash = async () => {
      let arrived: (server: Server) => void = () => undefined;
      let failed: (error: unknown) => void = () => undefined;
      slots[1] = new Promise<Server>((resolve, reject) => {
        arrived = resolve;
        failed = reject;
      });
      // Loops that stopped early never await it: its failure is reported by crash() itself.
      slots[1].catch(() => undefined);
      // Three more batches sent to B as it dies: whether B stored them is unknown, so they are re-sent.
      await load.killWhileIngesting(b, () => b.kill());
      try {
        replacement = await startStdio('C');
        arrived(replacement);
      } catch (error) {
        // (A build running meanwhile in the same checkout removes dist/ for a while.)
        load.stop();
        const reason = new Error(`restarting the killed server failed: ${messageOf(error)} (dist/cli.js ${existsSync(CLI) ? 'present' : 'missing'})`);
        failed(reason);
        throw reason;
      }
    };
    const step = stepReporting(() => diagnostics.map((d) => d.text));
    const loadMs = await step('load', () =>
      load.run(
        [0, 1, 2].map((slot) => () => slots[slot] as Promise<Server>),
        crash,
      ),
    );
    const c = replacement as Server;
    const servers = [a, c, h];

    // The batches lost with B, re-sent through A: only what B had not stored counts as new.
    const resentDuplicates = await load.resend(a, step);

    // Close every period that holds usage, then every live server must show the same clock.
    await closeEveryPeriod(c, step);
    const offsets: number[] = [];
    for (const server of servers)
      offsets.push((await step(`get_test_clock on ${server.name}`, () => server.ok<{ offset_ms: number }>('get_test_clock'))).offset_ms);
    // What the servers reported while they ran (closing the HTTP client aborts its stream: not news), but
    // for the transport of the one killed on purpose.
    const reported = diagnostics.filter((d) => d.name !== b.name || !/transport error|exited/.test(d.text)).map((d) => d.text);
    for (const server of servers) await server.close();
    live.splice(0);

    const invariants = readInvariants(db);
    const billed = billedUnitsByCustomer(db);
    const file = new Database(db, { readonly: true });
    let stored: Map<string, number>;
    let renewals: number;
    let renewalPayments: number;
    try {
      const rows = file
        .prepare(
          `SELECT event_id, count(*) AS n FROM (SELECT event_id FROM usage_events UNION ALL SELECT event_id FROM usage_events_staged) GROUP BY event_id`,
        )
        .all() as { event_id: string; n: number }[];
      stored = new Map(rows.map((row) => [row.event_id, Number(row.n)]));
      renewals = Number((file.prepare(`SELECT count(*) AS n FROM subscription_period_runs WHERE kind = 'renewal'`).get() as { n: number }).n);
      // Payments of a subscription beyond its first (renewals and prorated plan-change charges).
      renewalPayments = Number(
        (
          file.prepare(`SELECT count(*) - count(DISTINCT subscription_id) AS n FROM payments WHERE subscription_id IS NOT NULL`).get() as {
            n: number;
          }
        ).n,
      );
    } finally {
      file.close();
    }

    logSummary('soak', load, { started, loadMs, renewals, renewalPayments, resentDuplicates, offsets }, reported);

    // Every answer was a result or a business refusal.
    expectOnlyBusinessRefusals(load.tallies, reported);

    // One clock.
    expect(new Set(offsets).size).toBe(1);

    // The money and the periods add up in the file.
    expect(invariants.integrity).toBe('ok');
    expectMoneyAndPeriodsAddUp(invariants);

    // Every acknowledged usage event stored once and billed once; nobody else billed for usage.
    expectUsageStoredAndBilledOnce(load.learnt, stored, billed);

    // The run did real work.
    expectRealWork(load, renewals, 300);
  }, 180_000);
});
