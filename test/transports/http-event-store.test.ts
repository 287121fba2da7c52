// Rule under test: a Streamable HTTP stream's events are kept so a client reconnecting with Last-Event-ID
// receives what it missed (events after its cursor, on its stream, in its session, never a priming `{}`),
// and what is kept stays bounded: per stream, by age, by bytes for the process, and gone with the session.
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { EventId, EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import express from 'express';
import { describe, expect, test } from 'vitest';
import { buildServer } from '../../src/server.js';
import { DEFAULT_EVENT_STORE_LIMITS, type EventStoreLimits, HttpEventStore } from '../../src/transports/http-event-store.js';
import { mcpSessions } from '../../src/transports/http-sessions.js';
import { createTestEngine } from '../support/test-engine.js';

/** What the SDK stores first on each POST stream (see writePrimingEvent); typed as a message there too. */
const PRIMING = {} as JSONRPCMessage;
const answer = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: { n: id } });

function store(limits: Partial<EventStoreLimits> = {}, clock = { now: 0 }) {
  return new HttpEventStore({ ...DEFAULT_EVENT_STORE_LIMITS, ...limits }, () => clock.now);
}

async function replay(events: EventStore, lastEventId: EventId): Promise<{ stream: string; sent: [EventId, JSONRPCMessage][] }> {
  const sent: [EventId, JSONRPCMessage][] = [];
  const stream = await events.replayEventsAfter(lastEventId, {
    send: async (id, message) => {
      sent.push([id, message]);
    },
  });
  return { stream, sent };
}

describe('replay', () => {
  test('a cursor gets the later events of its own stream, without the priming event', async () => {
    const events = store().forSession('s1');
    const primingA = await events.storeEvent('a', PRIMING);
    const primingB = await events.storeEvent('b', PRIMING);
    const notice = await events.storeEvent('a', { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1, progressToken: 1 } });
    await events.storeEvent('b', answer(2));
    const done = await events.storeEvent('a', answer(1));

    expect([primingA, primingB, notice, done]).toEqual(['1', '2', '3', '5']);
    expect(await events.getStreamIdForEventId?.(primingA)).toBe('a');
    const resumed = await replay(events, primingA);
    expect(resumed.stream).toBe('a');
    expect(resumed.sent.map(([id]) => id)).toEqual(['3', '5']);
    expect(resumed.sent[1]?.[1]).toEqual(answer(1));
    expect((await replay(events, primingB)).sent).toEqual([['4', answer(2)]]);
    expect((await replay(events, done)).sent).toEqual([]);
  });

  test('ids count per session, and one session cannot resume from another session’s event', async () => {
    const all = store();
    const mine = all.forSession('mine');
    const theirs = all.forSession('theirs');
    await theirs.storeEvent('x', PRIMING);
    await theirs.storeEvent('x', PRIMING);
    await theirs.storeEvent('x', answer(9));
    expect(await mine.storeEvent('y', PRIMING)).toBe('1');

    expect(await mine.getStreamIdForEventId?.('3')).toBeUndefined();
    await expect(replay(mine, '3')).rejects.toThrow('event 3 is not stored for this session');
  });
});

describe('bounds', () => {
  test('the 4th event on a stream capped at 3 drops that stream’s oldest, and its cursor is refused', async () => {
    const events = store({ maxEventsPerStream: 3 }).forSession('s');
    const first = await events.storeEvent('a', PRIMING);
    for (const n of [1, 2, 3]) await events.storeEvent('a', answer(n));

    expect(await events.getStreamIdForEventId?.(first)).toBeUndefined();
    expect((await replay(events, '2')).sent.map(([id]) => id)).toEqual(['3', '4']);
  });

  test('past the byte budget the oldest event of any session goes first', async () => {
    // Each answer is ~250 bytes with its overhead: a 600-byte budget holds two.
    const all = store({ maxBytes: 600 });
    await all.forSession('old').storeEvent('a', answer(1));
    await all.forSession('new').storeEvent('b', answer(2));
    expect(all.stats().events).toBe(2);
    await all.forSession('new').storeEvent('b', answer(3));

    expect(all.stats().events).toBe(2);
    expect(all.stats().bytes).toBeLessThanOrEqual(600);
    expect(await all.forSession('old').getStreamIdForEventId?.('1')).toBeUndefined();
    expect(await all.forSession('new').getStreamIdForEventId?.('1')).toBe('b');
  });

  test('an event older than maxAgeMs is gone; the session’s counter goes on, so a stale cursor never matches', async () => {
    const clock = { now: 0 };
    const all = store({ maxAgeMs: 60_000 }, clock);
    const events = all.forSession('s');
    await events.storeEvent('a', answer(1));
    clock.now = 60_001;

    expect(await events.getStreamIdForEventId?.('1')).toBeUndefined();
    expect(all.stats()).toEqual({ sessions: 1, events: 0, bytes: 0 });
    expect(await events.storeEvent('b', answer(2))).toBe('2');
  });

  test('dropping a session frees its events and leaves the others', async () => {
    const all = store();
    await all.forSession('gone').storeEvent('a', answer(1));
    await all.forSession('gone').storeEvent('a', answer(2));
    await all.forSession('kept').storeEvent('b', answer(3));
    const keptBytes = all.stats().bytes / 3;

    all.dropSession('gone');
    expect(all.stats()).toEqual({ sessions: 1, events: 1, bytes: keptBytes });
  });
});

test('each Streamable HTTP session stores its streams’ events, and they go when the session is deleted', async () => {
  const engine = await createTestEngine();
  const events = new HttpEventStore();
  const sessions = mcpSessions({ newServer: () => buildServer(engine), jsonBody: express.json(), log: () => undefined, events });
  const app = express();
  app.use(sessions.router);
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  const { port } = listener.address() as AddressInfo;

  // The SDK client speaks 2025-11-25, so each POST stream opens with a priming event: initialize's and
  // tools/list's streams each hold a priming event and an answer.
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`));
  const client = new Client({ name: 'event-store-test', version: '0' });
  await client.connect(transport);
  await client.listTools();
  expect(events.stats()).toMatchObject({ sessions: 1, events: 4 });

  await transport.terminateSession();
  expect(events.stats()).toEqual({ sessions: 0, events: 0, bytes: 0 });

  await client.close();
  await sessions.closeAll();
  await new Promise((resolve) => listener.close(resolve));
  await engine.close();
});
