import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface EventStoreLimits {
  /** Events kept per stream: the 101st on a stream drops its oldest (default 100). */
  maxEventsPerStream: number;
  /** Estimated bytes kept for the whole process: past it the oldest event of any session goes (default 16 MiB). */
  maxBytes: number;
  /** How long an event is kept (default 10 min): a client reconnects after about a second, or not at all. */
  maxAgeMs: number;
}

export const DEFAULT_EVENT_STORE_LIMITS: EventStoreLimits = { maxEventsPerStream: 100, maxBytes: 16 * 1024 * 1024, maxAgeMs: 10 * 60_000 };

/** What an event costs beyond its JSON text (the record, its map and set entries, its id); an estimate. */
const EVENT_OVERHEAD_BYTES = 200;

interface StoredEvent {
  readonly sessionId: string;
  readonly streamId: StreamId;
  /** 1, 2, 3 … within the session; the SSE `id:` is its decimal text. */
  readonly seq: number;
  readonly id: EventId;
  readonly message: JSONRPCMessage;
  readonly bytes: number;
  readonly storedAt: number;
}

interface SessionEvents {
  lastSeq: number;
  readonly byId: Map<EventId, StoredEvent>;
  /** Each stream's events, oldest first. */
  readonly streams: Map<StreamId, StoredEvent[]>;
}

/** The SDK stores its priming event (`id:` and empty data, sent first on each POST stream) as `{}`. */
function isPriming(message: JSONRPCMessage): boolean {
  return Object.keys(message).length === 0;
}

/**
 * The events of every Streamable HTTP session of one server, so a client whose stream dropped can
 * reconnect with `GET /mcp` + `Last-Event-ID: 7` and receive events 8, 9 … of that stream, e.g. the
 * answer to an `advance_test_clock` that finished while it was away. Each session sees only its own
 * events: ids count 1, 2, 3 … per session, and another session's id is unknown here.
 *
 * Memory stays bounded whatever clients do: at most `maxEventsPerStream` per stream, events older than
 * `maxAgeMs` are dropped, and past `maxBytes` (16 MiB, ~JSON length + 200 per event) the oldest event of
 * any session goes first; a session's events go when it closes (DELETE, idle sweep, LRU eviction).
 * A cursor whose event was dropped is refused (400) rather than replayed from a gap.
 *
 * Per process, in memory, and that is enough: a session lives in the one process that made it (its
 * transport and server are objects there), so a reconnect either reaches the process holding its events
 * or gets 404 for an unknown session. Several processes on one database each keep their own sessions.
 */
export class HttpEventStore {
  private readonly sessions = new Map<string, SessionEvents>();
  /** Every stored event, oldest first (a Set keeps insertion order): what eviction walks. */
  private readonly all = new Set<StoredEvent>();
  private bytes = 0;

  constructor(
    private readonly limits: EventStoreLimits = DEFAULT_EVENT_STORE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The SDK's EventStore for one session's transport; nothing is allocated before its first event. */
  forSession(sessionId: string): EventStore {
    return {
      storeEvent: async (streamId, message) => this.store(sessionId, streamId, message),
      getStreamIdForEventId: async (eventId) => this.find(sessionId, eventId)?.streamId,
      replayEventsAfter: async (lastEventId, { send }) => this.replay(sessionId, lastEventId, send),
    };
  }

  /** Forgets a closed session's events. */
  dropSession(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session === undefined) return;
    for (const event of session.byId.values()) {
      this.all.delete(event);
      this.bytes -= event.bytes;
    }
    this.sessions.delete(sessionId);
  }

  /** What is held now, for tests and diagnostics. */
  stats(): { sessions: number; events: number; bytes: number } {
    return { sessions: this.sessions.size, events: this.all.size, bytes: this.bytes };
  }

  private store(sessionId: string, streamId: StreamId, message: JSONRPCMessage): EventId {
    let session = this.sessions.get(sessionId);
    if (session === undefined) {
      session = { lastSeq: 0, byId: new Map(), streams: new Map() };
      this.sessions.set(sessionId, session);
    }
    const seq = ++session.lastSeq;
    const event: StoredEvent = {
      sessionId,
      streamId,
      seq,
      id: String(seq),
      message,
      bytes: JSON.stringify(message).length + EVENT_OVERHEAD_BYTES,
      storedAt: this.now(),
    };
    let stream = session.streams.get(streamId);
    if (stream === undefined) {
      stream = [];
      session.streams.set(streamId, stream);
    }
    stream.push(event);
    session.byId.set(event.id, event);
    this.all.add(event);
    this.bytes += event.bytes;
    const overflow = stream[0];
    if (stream.length > this.limits.maxEventsPerStream && overflow !== undefined) this.remove(overflow);
    this.prune();
    return event.id;
  }

  private find(sessionId: string, eventId: EventId): StoredEvent | undefined {
    this.prune();
    return this.sessions.get(sessionId)?.byId.get(eventId);
  }

  /**
   * Sends the stream's events after `lastEventId`, skipping priming events (their `{}` is no message).
   * Walks by sequence rather than over a copy, so an event stored while a send is awaited is sent too.
   */
  private async replay(
    sessionId: string,
    lastEventId: EventId,
    send: (eventId: EventId, message: JSONRPCMessage) => Promise<void>,
  ): Promise<StreamId> {
    const last = this.find(sessionId, lastEventId);
    if (last === undefined) throw new Error(`event ${lastEventId} is not stored for this session (dropped, or never sent)`);
    let cursor = last.seq;
    for (;;) {
      const next = this.sessions
        .get(sessionId)
        ?.streams.get(last.streamId)
        ?.find((event) => event.seq > cursor);
      if (next === undefined) return last.streamId;
      cursor = next.seq;
      if (!isPriming(next.message)) await send(next.id, next.message);
    }
  }

  /** Drops events from the oldest on while they are too old or the process holds too many bytes. */
  private prune(): void {
    const cutoff = this.now() - this.limits.maxAgeMs;
    for (const oldest of this.all) {
      if (this.bytes <= this.limits.maxBytes && oldest.storedAt >= cutoff) return;
      this.remove(oldest);
    }
  }

  private remove(event: StoredEvent): void {
    if (!this.all.delete(event)) return;
    this.bytes -= event.bytes;
    const session = this.sessions.get(event.sessionId);
    if (session === undefined) return;
    session.byId.delete(event.id);
    const stream = session.streams.get(event.streamId);
    if (stream !== undefined) {
      // Events leave oldest first, so this is almost always index 0.
      const index = stream.indexOf(event);
      if (index >= 0) stream.splice(index, 1);
      if (stream.length === 0) session.streams.delete(event.streamId);
    }
    // The session's record (and its counter) stays until dropSession: a reused id could match a stale cursor.
  }
}
