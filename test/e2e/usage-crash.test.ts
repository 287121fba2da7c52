// Rule under test (issue 5, SPEC §2.7): event_id is the idempotency key, so a batch re-sent after the server
// died is never counted twice. Here the server really dies: the built CLI is killed with SIGKILL (no
// shutdown, no checkpoint) while a batch is in flight, so the client cannot know whether it landed; a new
// process on the same file takes the re-sent batches and stores every event exactly once. The staged copy
// each process keeps in memory is rebuilt from the database, not trusted across the crash.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CLI, tempDir } from '../support/cli-process.js';
import { callOk } from '../support/e2e-clients.js';

interface RunningServer {
  client: Client;
  transport: StdioClientTransport;
}

interface UsageEventInput {
  event_id: string;
  customer_id: string;
  event_name: string;
  metadata: { tokens: number };
}

async function startServer(db: string): Promise<RunningServer> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--db', db, '--toolsets', 'all'],
    env: getDefaultEnvironment(),
    stderr: 'pipe',
  });
  const client = new Client({ name: 'usage-crash-e2e', version: '0.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** SIGKILL, then wait until the process is gone (its stdio closes and the client fails what was pending). */
async function crash(server: RunningServer): Promise<void> {
  const clientOnClose = server.transport.onclose;
  const closed = new Promise<void>((resolve) => {
    server.transport.onclose = () => {
      clientOnClose?.();
      resolve();
    };
  });
  process.kill(server.transport.pid ?? Number.NaN, 'SIGKILL');
  await closed;
}

function batch(customerId: string, size: number, tokens: number): UsageEventInput[] {
  return Array.from({ length: size }, () => ({
    event_id: `evt_${randomUUID()}`,
    customer_id: customerId,
    event_name: 'api.call',
    metadata: { tokens },
  }));
}

/** Every stored event id of the customer, read page by page (100 a page). */
async function storedIds(client: Client, customerId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page_number = 0; ; page_number++) {
    const page = await callOk<{ items: { event_id: string }[]; has_more: boolean }>(client, 'list_usage_events', {
      customer_id: customerId,
      page_size: 100,
      page_number,
    });
    ids.push(...page.items.map((e) => e.event_id));
    if (!page.has_more) return ids;
  }
}

describe('usage ingestion survives a killed server (built CLI, SIGKILL)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const live: RunningServer[] = [];

  beforeAll(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    for (const server of live.splice(0)) await server.client.close();
  });
  afterAll(async () => {
    await dir?.remove();
  });

  test.each([0, 10, 40])('killed %i ms into a 1000-event call: re-sending both batches stores 1,300 events once each', async (delayMs) => {
    const db = join(dir.path, `crash-${delayMs}.db`);
    const first = await startServer(db);
    const { customer_id } = await callOk<{ customer_id: string }>(first.client, 'create_customer', {
      email: `crash${delayMs}@example.com`,
      name: 'Crash',
    });
    const acknowledged = batch(customer_id, 300, 1);
    const inFlight = batch(customer_id, 1000, 2);
    expect(await callOk(first.client, 'ingest_usage_events', { events: acknowledged })).toEqual({ ingested_count: 300, duplicate_count: 0 });

    // The in-flight call either committed whole or not at all; the client sees neither outcome.
    const lost = first.client.callTool({ name: 'ingest_usage_events', arguments: { events: inFlight } }).then(
      () => 'answered',
      () => 'no answer',
    );
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await crash(first);
    await lost;

    const second = await startServer(db);
    live.push(second);
    const resent = await callOk<{ ingested_count: number; duplicate_count: number }>(second.client, 'ingest_usage_events', { events: inFlight });
    expect(resent.ingested_count + resent.duplicate_count).toBe(1000);
    expect([0, 1000]).toContain(resent.ingested_count);
    expect(await callOk(second.client, 'ingest_usage_events', { events: acknowledged })).toEqual({ ingested_count: 0, duplicate_count: 300 });

    const ids = await storedIds(second.client, customer_id);
    expect(ids).toHaveLength(1300);
    expect(new Set(ids)).toEqual(new Set([...acknowledged, ...inFlight].map((e) => e.event_id)));
    // A third send of everything, after the restart's own writes, is all duplicates.
    expect(await callOk(second.client, 'ingest_usage_events', { events: inFlight })).toEqual({ ingested_count: 0, duplicate_count: 1000 });
  });
});
