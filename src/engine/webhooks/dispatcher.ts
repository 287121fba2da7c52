import { type Clock, iso, systemClock } from '../clock.js';
import { type EngineContext, inContextTransaction } from '../context.js';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type SQLite from 'better-sqlite3';
import { rawSqliteOf } from '../db/database.js';
import type { WebhookAttemptsTable } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { BillingError } from '../errors.js';
import { eventsAfter } from '../events/outbox.js';
import {
  attemptCounts,
  type ClaimScope,
  claimDueMessages,
  releaseClaims,
  type DueKey,
  dueMessageKeys,
  earliestDueMessage,
  type EndpointRow,
  enabledEndpointRows,
  findCursor,
  findEndpointRow,
  insertAttempts,
  insertMessages,
  lastOutboxSequence,
  type MessageAfterAttempt,
  type MessageRow,
  messageSchedules,
  saveCursor,
  type SendableMessage,
  sendableMessages,
  updateMessagesAfterAttempts,
} from './repo.js';
import { signatureHeader, signingSecrets } from './signing.js';
import { sleep } from '../shared/sleep.js';
import { EndpointThrottle } from './throttle.js';
import type { AttemptTrigger, PayloadType } from './types.js';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * SPEC §4: delay of each attempt after the previous one — immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 10 h; after the 8th failure the message is failed. Three failures then a success: 0, +5 s, +5 min,
 * +30 min = 35 min 5 s in total.
 */
export const RETRY_DELAYS_MS = [0, 5 * SECOND_MS, 5 * MINUTE_MS, 30 * MINUTE_MS, 2 * HOUR_MS, 5 * HOUR_MS, 10 * HOUR_MS, 10 * HOUR_MS] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length;
/** Success is a 2xx within 15 s, connect and read (SPEC §4). */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 15 * SECOND_MS;
const DEFAULT_CONCURRENCY = 64;
const DEFAULT_PER_ENDPOINT_CONCURRENCY = 16;
const FAN_OUT_BATCH = 1000;
/** Due messages one sweep queues (keys only); the rest wait for the next sweep. */
const SWEEP_LIMIT = 20_000;
/** Rows an endpoint's lane reads at a time (the next chunk is read while the last half is sent). */
const LANE_CHUNK = 256;
/** How long the recorder gathers outcomes while sends are in flight (a sender never waits for it). */
const RECORD_DELAY_MS = 200;
const RECORD_POLL_MS = 5;
/** Outcomes recorded per transaction at most. */
const RECORD_BATCH = 500;
/** Outcomes waiting to be recorded before senders pause for the recorder. */
const RECORD_BACKLOG = 4096;
/** How long a built body (the event with its object's latest state) is reused for the event's other endpoints. */
const BODY_TTL_MS = 1000;
const MAX_CACHED_BODIES = 10_000;
/** A claim outlasts its sends by this much, for the recorder's batching and a slow commit. */
const CLAIM_MARGIN_MS = 30 * SECOND_MS;

/** Reads an object's latest state by id; a BillingError (e.g. NOT_FOUND) falls back to the event's payload. */
export type ObjectLoader = (objectId: string) => Promise<object>;
export type ObjectLoaders = Partial<Record<PayloadType, ObjectLoader>>;

export interface DispatcherOptions {
  /** How each payload_type's latest state is read at delivery (SPEC §4: the body carries the latest state). */
  loaders?: ObjectLoaders | undefined;
  /** Per-attempt limit for connect and read; default 15 s. */
  timeoutMs?: number | undefined;
  /** Sends in flight at most, over all endpoints (default 64) and per endpoint (default 16). */
  concurrency?: number | undefined;
  perEndpointConcurrency?: number | undefined;
  /**
   * The clock of `webhook-timestamp`: real time by default, because receivers compare it with their own
   * clocks (±5 min). The engine clock (which the test clock moves) schedules attempts and dates events.
   */
  wallClock?: Clock | undefined;
  /** Measures latency (and how long a built body is reused); default performance.now. */
  stopwatch?: (() => number) | undefined;
}

/** One attempt's result before it is recorded. */
interface Outcome {
  attempted_at: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  succeeded: boolean;
  body: string;
}

/** An outcome waiting for the recorder, and who waits for it to be written. */
interface PendingRecord {
  message_id: string;
  trigger: AttemptTrigger;
  outcome: Outcome;
  done: () => void;
  failed: (error: unknown) => void;
}

/** One endpoint's queue: due message ids in order, rows read ahead a chunk at a time, and its senders. */
interface Lane {
  webhook_id: string;
  queue: string[];
  rows: SendableMessage[];
  endpoint: EndpointRow | undefined;
  loading: Promise<void> | null;
  workers: number;
}

export function payloadTypeOf(eventType: string): PayloadType | null {
  const family = eventType.slice(0, eventType.indexOf('.'));
  switch (family) {
    case 'payment':
      return 'Payment';
    case 'subscription':
      return 'Subscription';
    case 'refund':
      return 'Refund';
    case 'dispute':
      return 'Dispute';
    case 'license_key':
      return 'LicenseKey';
    default:
      return null;
  }
}

function matches(endpoint: EndpointRow, eventType: string): boolean {
  const filter = JSON.parse(endpoint.filter_types) as string[];
  return filter.length === 0 || filter.includes(eventType);
}

/**
 * Turns the outbox events after the dispatcher's cursor into messages — one per enabled endpoint whose
 * filter matches, due now — and moves the cursor, in the caller's transaction (`ctx.db`). Endpoint writes
 * call it first, so an event is delivered under the endpoint settings that stood when it was written.
 */
export async function fanOutPending(ctx: EngineContext, raw?: SQLite.Database): Promise<number> {
  const trx = ctx.db;
  let cursor = (await findCursor(trx, ctx.businessId)) ?? 0;
  let fanned = 0;
  const last = await lastOutboxSequence(trx);
  if (last <= cursor) return 0;
  const endpoints = await enabledEndpointRows(trx, ctx.businessId);
  if (endpoints.length === 0) {
    // No endpoint to deliver to: the cursor moves past the events without reading them (each is parsed to
    // fan it out: ~5 % of renewing 10,000 subscriptions, whose 40,000 events went nowhere). Returns how
    // many sequence numbers it passed (events are never deleted, and a rolled-back one frees its number).
    await saveCursor(trx, ctx.businessId, last);
    return last - cursor;
  }
  for (;;) {
    const events = await eventsAfter(trx, cursor, FAN_OUT_BATCH);
    if (events.length === 0) break;
    const now = ctx.clock.now();
    const rows: MessageRow[] = [];
    for (const event of events) {
      const event_payload = JSON.stringify(event.payload);
      for (const endpoint of endpoints) {
        if (!matches(endpoint, event.type)) continue;
        rows.push({
          message_id: ctx.ids.next('webhookMessage'),
          webhook_id: endpoint.webhook_id,
          business_id: ctx.businessId,
          event_id: event.event_id,
          event_type: event.type,
          object_id: event.object_id,
          event_payload,
          occurred_at: Date.parse(event.occurred_at),
          body: null,
          status: 'pending',
          scheduled_attempts: 0,
          next_attempt_at: now,
          is_test: 0,
          created_at: now,
          updated_at: now,
        });
      }
    }
    await insertMessages(trx, rows, raw);
    cursor = events[events.length - 1]?.sequence ?? cursor;
    fanned += events.length;
  }
  if (fanned > 0) await saveCursor(trx, ctx.businessId, cursor);
  return fanned;
}

/** A semaphore over all endpoints; the per-endpoint bound is the number of senders a lane runs. */
class SendPool {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}

/**
 * Delivers messages (SPEC §4): POSTs each with its latest-state body, signed with Standard Webhooks, and
 * records every attempt; failures are rescheduled by the engine clock on RETRY_DELAYS_MS. State lives in
 * SQLite: messages are durable before anything is sent, and after a restart pending messages resume.
 *
 * The pipeline. A sweep reads the keys of the due messages (one query) and queues them per endpoint. Each
 * endpoint's lane reads its rows a chunk at a time and runs up to `perEndpointConcurrency` senders, all under
 * one global `concurrency` bound, so a slow or dead endpoint occupies only its own senders and never holds up
 * another endpoint or a later message. A body (the event with its object's latest state) is built once per
 * event for all its endpoints; only the signature is per message and attempt. Outcomes go to a recorder that
 * writes them in batches — one transaction per batch of finished attempts, while sends go on — and never
 * does network I/O inside a transaction. An attempt whose outcome was not yet written when the process
 * stopped is made again after a restart, under the same webhook-id (receivers dedupe on it, SPEC §4).
 *
 * Several processes on one database (SPEC D17): every dispatcher sees the same due messages, so a lane
 * claims each chunk in the database before sending it (webhook_message_claims, a real-time lease of the
 * send timeout + 30 s, ended when the outcome is recorded), and sweeps skip messages another engine has
 * claimed. Only the claim holder sends; if it dies, its claims lapse and any dispatcher sends them. A
 * rate-limited endpoint is sent to by one engine at a time, since its throttle lives in that engine.
 */
export class WebhookDispatcher {
  /** Queued or in-flight messages: settled once the attempt is recorded (or found not due). */
  private readonly tracked = new Map<string, Promise<void>>();
  private readonly settle = new Map<string, () => void>();
  private readonly lanes = new Map<string, Lane>();
  private readonly pool: SendPool;
  private readonly perEndpoint: number;
  /** Endpoints' rate_limit (throttle.ts): slots reserved before the pool, and a gate before each POST. */
  private readonly throttle = new EndpointThrottle();
  private readonly timeoutMs: number;
  private readonly wallClock: Clock;
  private readonly stopwatch: () => number;
  private readonly bodies = new Map<string, { body: Promise<string>; until: number }>();
  private readonly deadlines: Deadlines;
  private records: PendingRecord[] = [];
  /** POSTs under way. */
  private sending = 0;
  private recording: Promise<void> | null = null;
  /** The SQLite connection under ctx.db, for the repo's prepared-statement hot paths; undefined elsewhere. */
  private readonly raw: SQLite.Database | undefined;
  private closed = false;
  /** This engine's token in message claims; random, so two processes never share one. */
  private readonly owner = randomUUID();
  private onError: (error: unknown) => void = () => undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: DispatcherOptions = {},
  ) {
    this.pool = new SendPool(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.perEndpoint = options.perEndpointConcurrency ?? DEFAULT_PER_ENDPOINT_CONCURRENCY;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    this.wallClock = options.wallClock ?? systemClock;
    this.stopwatch = options.stopwatch ?? (() => performance.now());
    this.raw = rawSqliteOf(ctx.db);
    this.deadlines = new Deadlines(this.timeoutMs, this.stopwatch);
  }

  /** Fans out new outbox events; a cheap read first, so an idle tick writes nothing. */
  async fanOut(): Promise<number> {
    if (!(await this.hasPendingEvents())) return 0;
    return inContextTransaction(this.ctx, (tctx) => fanOutPending(tctx, this.raw));
  }

  /** When work is next due: now when events wait for fan-out, else the earliest pending attempt, or null. */
  async nextDueAt(): Promise<number | null> {
    if (await this.hasPendingEvents()) return this.ctx.clock.now();
    return earliestDueMessage(this.ctx.db, this.ctx.businessId, this.claimScope());
  }

  /**
   * Fans out, then makes every attempt due at or before `at` and waits until they are recorded (the due-work
   * runner and the test clock call this with the clock standing at `at`). Returns the work done: events
   * fanned out plus attempts made, 0 when nothing was due.
   */
  async runDue(at: number): Promise<number> {
    let work = await this.fanOut();
    const seen = new Set<string>();
    for (;;) {
      const due = (await dueMessageKeys(this.ctx.db, this.ctx.businessId, at, SWEEP_LIMIT, this.claimScope(), this.raw !== undefined)).filter(
        (k) => !seen.has(k.message_id),
      );
      if (due.length === 0) return work;
      for (const k of due) seen.add(k.message_id);
      await Promise.all(this.enqueue(due));
      work += due.length;
    }
  }

  /**
   * Polls every `intervalMs` on an unref'd timer: fans out new events and queues due attempts without
   * waiting for them (a hanging receiver occupies only its own senders). Returns the function that stops it.
   */
  start(intervalMs: number, onError?: (error: unknown) => void): () => void {
    if (onError) this.onError = onError;
    let ticking = false;
    const tick = async () => {
      if (ticking || this.closed) return;
      ticking = true;
      try {
        await this.fanOut();
        this.enqueue(await dueMessageKeys(this.ctx.db, this.ctx.businessId, this.ctx.clock.now(), SWEEP_LIMIT, this.claimScope(), this.raw !== undefined));
      } catch (error) {
        if (!this.closed) this.onError(error);
      } finally {
        ticking = false;
      }
    };
    const timer = setInterval(() => void tick(), intervalMs);
    timer.unref();
    void tick();
    return () => clearInterval(timer);
  }

  /** Stops recording: attempts still in flight when the engine closes are dropped and resume after a restart. */
  close(): void {
    this.closed = true;
  }

  /** Waits for every queued attempt and every outcome to be recorded (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.tracked.size > 0 || this.recording) {
      await Promise.allSettled([...this.tracked.values(), this.recording]);
    }
  }

  /** Replays one message now, whatever its status (retry_webhook_delivery); a success completes it. */
  async replay(messageId: string): Promise<void> {
    await this.sendNow(messageId, 'manual');
  }

  /** Sends a test message once and records it; test sends are never retried. */
  async sendOnce(messageId: string): Promise<void> {
    await this.sendNow(messageId, 'test');
  }

  /** This dispatcher's claims, and the real time they are judged by. */
  private claimScope(): ClaimScope {
    return { owner: this.owner, realNow: this.wallClock.now() };
  }

  private async hasPendingEvents(): Promise<boolean> {
    const [last, cursor] = await Promise.all([lastOutboxSequence(this.ctx.db), findCursor(this.ctx.db, this.ctx.businessId)]);
    return last > (cursor ?? 0);
  }

  /** One attempt now, outside the lanes, waited for until recorded. */
  private async sendNow(messageId: string, trigger: AttemptTrigger): Promise<void> {
    const [message] = await sendableMessages(this.ctx.db, this.ctx.businessId, [messageId]);
    if (!message) throw new Error(`message ${messageId} vanished`);
    const endpoint = await findEndpointRow(this.ctx.db, this.ctx.businessId, message.webhook_id);
    if (!endpoint || this.closed) return;
    await this.pool.acquire();
    let outcome: Outcome;
    try {
      outcome = await this.send(message, endpoint, trigger);
    } finally {
      this.pool.release();
    }
    await this.record(message.message_id, trigger, outcome);
  }

  /**
   * Queues due messages on their endpoints' lanes; returns one promise per message, settled when its attempt
   * is recorded. A message already queued or in flight is not queued twice: its promise is returned.
   */
  private enqueue(keys: readonly DueKey[]): Array<Promise<void>> {
    const waits: Array<Promise<void>> = [];
    const touched = new Set<Lane>();
    for (const key of keys) {
      const existing = this.tracked.get(key.message_id);
      if (existing) {
        waits.push(existing);
        continue;
      }
      const settled = new Promise<void>((resolve) => this.settle.set(key.message_id, resolve));
      this.tracked.set(key.message_id, settled);
      waits.push(settled);
      let lane = this.lanes.get(key.webhook_id);
      if (!lane) {
        lane = { webhook_id: key.webhook_id, queue: [], rows: [], endpoint: undefined, loading: null, workers: 0 };
        this.lanes.set(key.webhook_id, lane);
      }
      lane.queue.push(key.message_id);
      touched.add(lane);
    }
    for (const lane of touched) {
      while (lane.workers < this.perEndpoint && lane.workers < lane.queue.length + lane.rows.length) {
        lane.workers += 1;
        void this.runLane(lane);
      }
    }
    return waits;
  }

  private done(messageId: string): void {
    this.settle.get(messageId)?.();
    this.settle.delete(messageId);
    this.tracked.delete(messageId);
  }

  /** One sender of a lane: takes the lane's next message until none is left. */
  private async runLane(lane: Lane): Promise<void> {
    try {
      for (;;) {
        const message = await this.nextOf(lane);
        if (!message) return;
        try {
          await this.deliver(lane, message);
        } catch (error) {
          this.done(message.message_id);
          if (!this.closed) this.onError(error);
        }
      }
    } catch (error) {
      if (!this.closed) this.onError(error);
      // The lane's reads failed: let go of what it holds, so waiters do not hang; the next sweep retries.
      for (const id of [...lane.queue.splice(0), ...lane.rows.splice(0).map((r) => r.message_id)]) this.done(id);
    } finally {
      lane.workers -= 1;
      const left = lane.queue.length + lane.rows.length;
      if (left > 0 && this.closed) {
        for (const id of [...lane.queue.splice(0), ...lane.rows.splice(0).map((r) => r.message_id)]) this.done(id);
      } else if (left > 0) {
        // Queued after this sender found the lane empty, before it stopped: keep a sender on it.
        lane.workers += 1;
        void this.runLane(lane);
        return;
      }
      if (lane.workers === 0) this.lanes.delete(lane.webhook_id);
    }
  }

  /** The lane's next message that is still due, reading a chunk of rows (and the endpoint) when none is read. */
  private async nextOf(lane: Lane): Promise<SendableMessage | undefined> {
    for (;;) {
      const row = lane.rows.shift();
      // Read the next chunk while this one is being sent, so the lane's senders do not wait for the database.
      if (lane.rows.length < LANE_CHUNK / 2 && lane.queue.length > 0 && !lane.loading) this.loadNext(lane);
      if (row) {
        // Another sender may have made this attempt already, or the endpoint was disabled meanwhile.
        const due = row.status === 'pending' && row.next_attempt_at !== null && row.next_attempt_at <= this.ctx.clock.now();
        if (due && lane.endpoint && lane.endpoint.disabled === 0 && !this.closed) return row;
        this.done(row.message_id);
        continue;
      }
      if (lane.loading) {
        await lane.loading;
        continue;
      }
      if (lane.queue.length === 0) return undefined;
      this.loadNext(lane);
    }
  }

  private loadNext(lane: Lane): void {
    const ids = lane.queue.splice(0, LANE_CHUNK);
    lane.loading = this.load(lane, ids).finally(() => {
      lane.loading = null;
    });
    // A failed read is reported to the senders awaiting it (runLane); none may be waiting yet.
    lane.loading.catch(() => undefined);
  }

  /**
   * Reads a chunk of the lane's messages, claiming them first (migration 0010): another process's
   * dispatcher sees them as due too, and of the two only the one holding the claim sends.
   */
  private async load(lane: Lane, ids: string[]): Promise<void> {
    const endpoint = await findEndpointRow(this.ctx.db, this.ctx.businessId, lane.webhook_id);
    const scope = this.claimScope();
    // Long enough for every send of the chunk: its throttled spacing, the timeout, the recorder's delay.
    const spacing = endpoint?.rate_limit ? Math.ceil((ids.length * SECOND_MS) / endpoint.rate_limit) : 0;
    const until = scope.realNow + spacing + this.timeoutMs + CLAIM_MARGIN_MS;
    const exclusive = endpoint?.rate_limit ? endpoint.webhook_id : null;
    const claimed = await inTransaction(this.ctx.db, (trx) => claimDueMessages(trx, ids, this.ctx.clock.now(), scope, until, exclusive));
    const rows = await sendableMessages(this.ctx.db, this.ctx.businessId, claimed);
    lane.endpoint = endpoint;
    const byId = new Map(rows.map((r) => [r.message_id, r]));
    for (const id of ids) {
      const row = byId.get(id);
      if (row) lane.rows.push(row);
      else this.done(id); // deleted with its endpoint
    }
  }

  /** Throttle, send under the pool, hand the outcome to the recorder (settling the message once written). */
  private async deliver(lane: Lane, message: SendableMessage): Promise<void> {
    const endpoint = lane.endpoint;
    if (!endpoint) return this.done(message.message_id);
    // The endpoint's rate_limit: wait for a slot before taking a pool slot, so a throttled endpoint's backlog
    // sleeps outside the pool (throttle.ts); send() spaces the POSTs themselves.
    if (endpoint.rate_limit !== null) await sleep(this.throttle.reserve(endpoint.webhook_id, endpoint.rate_limit, this.wallClock.now()));
    await this.pool.acquire();
    let outcome: Outcome;
    try {
      outcome = await this.send(message, endpoint, 'scheduled');
    } finally {
      this.pool.release();
    }
    if (this.closed) return this.done(message.message_id);
    const recorded = this.record(message.message_id, 'scheduled', outcome).then(
      () => this.done(message.message_id),
      (error: unknown) => {
        this.done(message.message_id);
        if (!this.closed) this.onError(error);
      },
    );
    // Senders go on while outcomes are written, unless the recorder falls far behind.
    if (this.records.length >= RECORD_BACKLOG) await recorded;
  }

  private async send(message: SendableMessage, endpoint: EndpointRow, trigger: AttemptTrigger): Promise<Outcome> {
    const body = await this.bodyOf(message, trigger === 'scheduled' && message.scheduled_attempts === 0);
    if (endpoint.rate_limit !== null) await this.throttle.gate(endpoint.webhook_id, endpoint.rate_limit, () => this.wallClock.now());
    const attempted_at = this.ctx.clock.now();
    const sentAt = this.wallClock.now();
    const headers: Record<string, string> = {
      ...customHeaders(endpoint),
      'content-type': 'application/json',
      'webhook-id': message.message_id,
      'webhook-timestamp': String(Math.floor(sentAt / 1000)),
      'webhook-signature': signatureHeader(signingSecrets(endpoint, attempted_at), message.message_id, sentAt, body),
    };
    const started = this.stopwatch();
    let status_code: number | null = null;
    let error: string | null = null;
    this.sending += 1;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: this.deadlines.signal(started),
      });
      status_code = response.status;
      // Read the answer inside the same timeout: success is the whole response within 15 s.
      await response.arrayBuffer();
      if (this.stopwatch() - started > this.timeoutMs) error = `timed out after ${this.timeoutMs} ms`;
      else if (status_code < 200 || status_code > 299) error = `HTTP ${status_code}`;
    } catch (failure) {
      error =
        failure instanceof Error && (failure.name === 'TimeoutError' || failure.name === 'AbortError')
          ? `timed out after ${this.timeoutMs} ms`
          : describeFetchError(failure);
    } finally {
      this.sending -= 1;
    }
    const latency_ms = Math.max(0, Math.round(this.stopwatch() - started));
    return { attempted_at, status_code, latency_ms, error, succeeded: error === null, body };
  }

  /**
   * The body: {business_id, type, timestamp, data}. The first attempts of an event's messages — one per
   * endpoint, made together right after the fan-out — share one body, built once and reused for at most
   * BODY_TTL_MS: the object's state in it is read after the event was written (never older than the
   * event) and at most that much older than the send. Retries, replays and test sends build their own,
   * with the state as it is then.
   */
  private bodyOf(message: SendableMessage, shared: boolean): Promise<string> {
    const build = async () =>
      JSON.stringify({
        business_id: this.ctx.businessId,
        type: message.event_type,
        timestamp: iso(message.occurred_at),
        data: await this.dataOf(message),
      });
    if (!shared || message.event_id === null || message.is_test === 1) return build();
    const now = this.stopwatch();
    const cached = this.bodies.get(message.event_id);
    if (cached && cached.until > now) return cached.body;
    if (this.bodies.size >= MAX_CACHED_BODIES) {
      for (const [key, entry] of this.bodies) if (entry.until <= now) this.bodies.delete(key);
      if (this.bodies.size >= MAX_CACHED_BODIES) this.bodies.clear();
    }
    const body = build();
    this.bodies.set(message.event_id, { body, until: now + BODY_TTL_MS });
    // A failed build is not kept: the next endpoint tries again.
    body.catch(() => this.bodies.delete(message.event_id ?? ''));
    return body;
  }

  /** data = {payload_type, …the object's latest state}; the event's payload fills what cannot be read. */
  private async dataOf(message: SendableMessage): Promise<Record<string, unknown>> {
    const fromEvent = JSON.parse(message.event_payload) as Record<string, unknown>;
    const kind = payloadTypeOf(message.event_type);
    const loader = kind === null ? undefined : this.options.loaders?.[kind];
    if (kind === null || loader === undefined || message.object_id === null || message.is_test === 1) return fromEvent;
    let latest: object | null;
    try {
      latest = await loader(message.object_id);
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      latest = null;
    }
    return latest === null ? fromEvent : { ...fromEvent, ...latest, payload_type: kind };
  }

  /** Hands an outcome to the recorder; resolves once it is written. */
  private record(messageId: string, trigger: AttemptTrigger, outcome: Outcome): Promise<void> {
    if (this.closed) return Promise.resolve();
    const written = new Promise<void>((done, failed) => this.records.push({ message_id: messageId, trigger, outcome, done, failed }));
    this.kickRecorder();
    return written;
  }

  private kickRecorder(): void {
    if (this.recording || this.records.length === 0) return;
    this.recording = this.drainRecords().finally(() => {
      this.recording = null;
      // Outcomes handed over after the last batch was taken, before this drain ended.
      this.kickRecorder();
    });
  }

  /** Writes outcomes a batch per transaction until none wait; outcomes that finish meanwhile join the next batch. */
  private async drainRecords(): Promise<void> {
    while (this.records.length > 0) {
      // While sends are in flight, let their outcomes join this batch (up to RECORD_DELAY_MS): a few large
      // transactions cost far less than many small ones (each rewrites the index pages it touches).
      const since = this.stopwatch();
      while (this.records.length < RECORD_BATCH && this.sending > 0 && this.stopwatch() - since < RECORD_DELAY_MS) await sleep(RECORD_POLL_MS);
      const batch = this.records.splice(0, RECORD_BATCH);
      if (this.closed) {
        for (const r of batch) r.done();
        continue;
      }
      try {
        await this.writeBatch(batch);
        for (const r of batch) r.done();
      } catch (error) {
        for (const r of batch) r.failed(error);
      }
    }
  }

  /**
   * One transaction for a batch of attempts: each attempt row, and each message's new status and schedule
   * worked out from what stands in the database now (a message deleted with its endpoint is skipped).
   */
  private async writeBatch(batch: readonly PendingRecord[]): Promise<void> {
    await inTransaction(this.ctx.db, async (trx) => {
      const ids = [...new Set(batch.map((r) => r.message_id))];
      const [schedules, counts] = await Promise.all([messageSchedules(trx, ids, this.raw), attemptCounts(trx, ids, this.raw)]);
      const state = new Map<string, MessageAfterAttempt>(
        schedules.map((m) => [m.message_id, { message_id: m.message_id, body: null, status: m.status, scheduled_attempts: m.scheduled_attempts, next_attempt_at: m.next_attempt_at }]),
      );
      const attempts: WebhookAttemptsTable[] = [];
      for (const { message_id, trigger, outcome } of batch) {
        const message = state.get(message_id);
        if (!message) continue; // the endpoint was deleted while the attempt was in flight
        const next = afterAttempt(message, trigger, outcome);
        state.set(message_id, next.message);
        const attempt = (counts.get(message_id) ?? 0) + 1;
        counts.set(message_id, attempt);
        attempts.push({
          attempt_id: this.ctx.ids.next('webhookAttempt'),
          message_id,
          attempt,
          trigger,
          attempted_at: outcome.attempted_at,
          status_code: outcome.status_code,
          latency_ms: outcome.latency_ms,
          error: outcome.error,
          succeeded: outcome.succeeded ? 1 : 0,
          next_attempt_at: next.retry_at,
        });
      }
      await insertAttempts(trx, attempts, this.raw);
      const touched = new Set(attempts.map((a) => a.message_id));
      await updateMessagesAfterAttempts(
        trx,
        [...state.values()].filter((m) => touched.has(m.message_id)),
        this.ctx.clock.now(),
        this.raw,
      );
      await releaseClaims(trx, ids, this.owner);
    });
  }
}

/**
 * A message after one attempt (SPEC §4): a scheduled attempt counts toward the 8 and either completes the
 * message, schedules the next try by RETRY_DELAYS_MS, or fails it; a test send completes either way; a
 * manual replay that succeeds completes the message, one that fails leaves its schedule as it was.
 */
function afterAttempt(message: MessageAfterAttempt, trigger: AttemptTrigger, outcome: Outcome): { message: MessageAfterAttempt; retry_at: number | null } {
  const next: MessageAfterAttempt = { ...message, body: outcome.body };
  let retry_at: number | null = null;
  if (trigger === 'scheduled') {
    const made = message.scheduled_attempts + 1;
    next.scheduled_attempts = made;
    if (outcome.succeeded) {
      next.status = 'succeeded';
    } else if (made < MAX_ATTEMPTS) {
      retry_at = outcome.attempted_at + (RETRY_DELAYS_MS[made] ?? 0);
    } else {
      next.status = 'failed';
    }
    next.next_attempt_at = retry_at;
  } else if (trigger === 'test') {
    next.status = outcome.succeeded ? 'succeeded' : 'failed';
    next.next_attempt_at = null;
  } else if (outcome.succeeded) {
    next.status = 'succeeded';
    next.next_attempt_at = null;
  } else {
    retry_at = message.next_attempt_at;
  }
  return { message: next, retry_at };
}

/**
 * Abort signals for the per-attempt timeout, one per short slice of time instead of one per request
 * (AbortSignal.timeout per POST was a sixth of a send's cost in bench/webhooks.mjs): the requests started
 * in a slice share a signal that fires `timeoutMs` after the slice ends, so none is cut before its own
 * timeout and none runs more than a slice past it; send() classes an answer later than `timeoutMs` as
 * timed out, so success is exactly "within timeoutMs".
 */
class Deadlines {
  private readonly sliceMs: number;
  private slice = Number.NaN;
  private current: AbortSignal | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly stopwatch: () => number,
  ) {
    this.sliceMs = Math.min(100, Math.max(1, Math.floor(timeoutMs / 10)));
  }

  signal(startedAt: number): AbortSignal {
    const slice = Math.floor(startedAt / this.sliceMs);
    if (slice !== this.slice || !this.current) {
      const controller = new AbortController();
      // Every request of the slice listens on it.
      setMaxListeners(0, controller.signal);
      const firesIn = (slice + 1) * this.sliceMs + this.timeoutMs - this.stopwatch();
      const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${this.timeoutMs} ms`, 'TimeoutError')), Math.max(0, firesIn));
      timer.unref();
      this.slice = slice;
      this.current = controller.signal;
    }
    return this.current;
  }
}

// Several processes: keyed by the row object a read returned, so a header change by any process reaches the
// next read (a new object); nothing outlives the row it was parsed from.
const parsedHeaders = new WeakMap<EndpointRow, Record<string, string>>();

/** The endpoint's custom headers, parsed once per endpoint row read. */
function customHeaders(endpoint: EndpointRow): Record<string, string> {
  let headers = parsedHeaders.get(endpoint);
  if (!headers) {
    headers = JSON.parse(endpoint.headers) as Record<string, string>;
    parsedHeaders.set(endpoint, headers);
  }
  return headers;
}

function describeFetchError(failure: unknown): string {
  if (!(failure instanceof Error)) return String(failure);
  const cause = (failure as Error & { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : '';
  return detail ? `${failure.message}: ${detail}` : failure.message;
}
