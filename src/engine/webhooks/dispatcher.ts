import { randomUUID } from 'node:crypto';
import type SQLite from 'better-sqlite3';
import { type Clock, systemClock } from '../clock.js';
import { type EngineContext, inContextTransaction } from '../context.js';
import { rawSqliteOf } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { sleep as realSleep } from '../shared/sleep.js';
import { BodyCache, type ObjectLoaders } from './body-cache.js';
import { fanOutPending } from './fan-out.js';
import { EndpointLanes } from './lanes.js';
import { OutcomeRecorder } from './recorder.js';
import {
  type ClaimScope,
  claimDueMessages,
  dueMessageKeys,
  earliestDueMessage,
  type EndpointRow,
  findCursor,
  findEndpointRow,
  lastOutboxSequence,
  type SendableMessage,
  sendableMessages,
} from './repo.js';
import { signedRequest } from './request.js';
import { DEFAULT_DELIVERY_TIMEOUT_MS, type Outcome, verdictOf } from './retry-policy.js';
import { SendPool } from './send-pool.js';
import { describeSendError, FetchWebhookSender, type WebhookRequest, type WebhookResponse, type WebhookSender } from './sender.js';
import { EndpointThrottle } from './throttle.js';
import type { AttemptTrigger } from './types.js';

// Endpoint writes fan out inside their own transaction (service.ts).
export type { ObjectLoader, ObjectLoaders } from './body-cache.js';

const DEFAULT_CONCURRENCY = 64;
const DEFAULT_PER_ENDPOINT_CONCURRENCY = 16;
/** Due messages one sweep queues (keys only); the rest wait for the next sweep. */
const SWEEP_LIMIT = 20_000;
/** A claim outlasts its sends by this much, for the recorder's batching and a slow commit. */
const CLAIM_MARGIN_MS = 30_000;

export interface DispatcherOptions {
  /** How each payload_type's latest state is read at delivery (SPEC §4: the body carries the latest state). */
  loaders?: ObjectLoaders | undefined;
  /** Per-attempt limit for connect and read; default 15 s. */
  timeoutMs?: number | undefined;
  /** Sends in flight at most, over all endpoints (default 64) and per endpoint (default 16). */
  concurrency?: number | undefined;
  perEndpointConcurrency?: number | undefined;
  /** Who POSTs each signed request (default FetchWebhookSender, over `fetch`); tests script one. */
  sender?: WebhookSender | undefined;
  /**
   * The clock of `webhook-timestamp`: real time by default, because receivers compare it with their own
   * clocks (±5 min). The engine clock (which the test clock moves) schedules attempts and dates events.
   * Rate limits and claim leases run on it too.
   */
  wallClock?: Clock | undefined;
  /** Measures latency, how long a built body is reused and the recorder's gathering window; default performance.now. */
  stopwatch?: (() => number) | undefined;
  /** Waits on the wall clock (rate_limit spacing, the recorder's gathering); default real timers. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

/**
 * Delivers messages (SPEC §4): POSTs each with its latest-state body, signed with Standard Webhooks, and
 * records every attempt; failures are rescheduled by the engine clock (retry-policy.ts). State lives in
 * SQLite: messages are durable before anything is sent, and after a restart pending messages resume.
 *
 * The pipeline, one job per file: fan-out.ts turns outbox events into messages; a sweep reads the keys of
 * the due messages (one query) and queues them on per-endpoint lanes (lanes.ts), each running up to
 * `perEndpointConcurrency` senders, all under one global `concurrency` bound (send-pool.ts), so a slow or
 * dead endpoint occupies only its own senders. Each send builds its body (body-cache.ts: once per event for
 * all its endpoints), waits for the endpoint's rate_limit (throttle.ts), signs (request.ts) and hands the
 * request to the WebhookSender (sender.ts); the outcome goes to the recorder (recorder.ts), which writes
 * outcomes in batches while sends go on.
 *
 * Several processes on one database (SPEC D17): every dispatcher sees the same due messages, so a lane
 * claims each chunk in the database before sending it (webhook_message_claims, a real-time lease of the
 * send timeout + 30 s, ended when the outcome is recorded), and sweeps skip messages another engine has
 * claimed. Only the claim holder sends; if it dies, its claims lapse and any dispatcher sends them. A
 * rate-limited endpoint is sent to by one engine at a time, since its throttle lives in that engine.
 *
 * Its own state: `sending` = sender.send() calls under way (the recorder waits for their outcomes while
 * it is above 0); `closed` only ever turns true, after which nothing is sent or recorded.
 */
export class WebhookDispatcher {
  private readonly lanes: EndpointLanes;
  private readonly pool: SendPool;
  /** Endpoints' rate_limit (throttle.ts): slots reserved before the pool, and a gate before each POST. */
  private readonly throttle: EndpointThrottle;
  private readonly recorder: OutcomeRecorder;
  private readonly bodies: BodyCache;
  private readonly sender: WebhookSender;
  private readonly timeoutMs: number;
  private readonly wallClock: Clock;
  private readonly stopwatch: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** POSTs under way. */
  private sending = 0;
  /** The SQLite connection under ctx.db, for the repo's prepared-statement hot paths; undefined elsewhere. */
  private readonly raw: SQLite.Database | undefined;
  private closed = false;
  /** This engine's token in message claims; random, so two processes never share one. */
  private readonly owner = randomUUID();
  private onError: (error: unknown) => void = () => undefined;

  constructor(
    private readonly ctx: EngineContext,
    options: DispatcherOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    this.wallClock = options.wallClock ?? systemClock;
    this.stopwatch = options.stopwatch ?? (() => performance.now());
    this.sleep = options.sleep ?? realSleep;
    this.sender = options.sender ?? new FetchWebhookSender(this.stopwatch);
    this.raw = rawSqliteOf(ctx.db);
    this.pool = new SendPool(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.throttle = new EndpointThrottle(this.sleep);
    this.bodies = new BodyCache(ctx.businessId, options.loaders, this.stopwatch);
    this.recorder = new OutcomeRecorder(ctx, {
      raw: this.raw,
      owner: this.owner,
      sendsInFlight: () => this.sending,
      stopwatch: this.stopwatch,
      sleep: this.sleep,
    });
    this.lanes = new EndpointLanes({
      perEndpoint: options.perEndpointConcurrency ?? DEFAULT_PER_ENDPOINT_CONCURRENCY,
      claim: (webhookId, ids) => this.claim(webhookId, ids),
      now: () => this.ctx.clock.now(),
      deliver: (endpoint, message) => this.deliver(endpoint, message),
      isClosed: () => this.closed,
      onError: (error) => this.onError(error),
    });
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
      await Promise.all(this.lanes.enqueue(due));
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
        void this.lanes.enqueue(
          await dueMessageKeys(this.ctx.db, this.ctx.businessId, this.ctx.clock.now(), SWEEP_LIMIT, this.claimScope(), this.raw !== undefined),
        );
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
    this.recorder.close();
  }

  /** Waits for every queued attempt and every outcome to be recorded (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.lanes.size > 0 || this.recorder.draining) {
      await Promise.allSettled([...this.lanes.pending(), this.recorder.draining]);
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
      outcome = await this.attempt(message, endpoint, trigger);
    } finally {
      this.pool.release();
    }
    await this.recorder.record(message.message_id, trigger, outcome);
  }

  /**
   * Reads a lane's endpoint and claims a chunk of its messages (migration 0010): another process's
   * dispatcher sees them as due too, and of the two only the one holding the claim sends.
   */
  private async claim(webhookId: string, ids: readonly string[]): Promise<{ endpoint: EndpointRow | undefined; rows: SendableMessage[] }> {
    const endpoint = await findEndpointRow(this.ctx.db, this.ctx.businessId, webhookId);
    const scope = this.claimScope();
    // Long enough for every send of the chunk: its throttled spacing, the timeout, the recorder's delay.
    const spacing = endpoint?.rate_limit ? Math.ceil((ids.length * 1000) / endpoint.rate_limit) : 0;
    const until = scope.realNow + spacing + this.timeoutMs + CLAIM_MARGIN_MS;
    const exclusive = endpoint?.rate_limit ? endpoint.webhook_id : null;
    const claimed = await inTransaction(this.ctx.db, (trx) => claimDueMessages(trx, ids, this.ctx.clock.now(), scope, until, exclusive));
    const rows = await sendableMessages(this.ctx.db, this.ctx.businessId, claimed);
    return { endpoint, rows };
  }

  /** A lane's send: throttle, send under the pool, hand the outcome to the recorder (settling the message once written). */
  private async deliver(endpoint: EndpointRow, message: SendableMessage): Promise<void> {
    // The endpoint's rate_limit: wait for a slot before taking a pool slot, so a throttled endpoint's backlog
    // sleeps outside the pool (throttle.ts); attempt() spaces the POSTs themselves.
    if (endpoint.rate_limit !== null) await this.sleep(this.throttle.reserve(endpoint.webhook_id, endpoint.rate_limit, this.wallClock.now()));
    await this.pool.acquire();
    let outcome: Outcome;
    try {
      outcome = await this.attempt(message, endpoint, 'scheduled');
    } finally {
      this.pool.release();
    }
    if (this.closed) return this.lanes.settle(message.message_id);
    const recorded = this.recorder.record(message.message_id, 'scheduled', outcome).then(
      () => this.lanes.settle(message.message_id),
      (error: unknown) => {
        this.lanes.settle(message.message_id);
        if (!this.closed) this.onError(error);
      },
    );
    // Senders go on while outcomes are written, unless the recorder falls far behind.
    if (this.recorder.behind) await recorded;
  }

  /** One attempt: the body, the rate_limit gate, the signed request, the sender's answer judged by SPEC §4. */
  private async attempt(message: SendableMessage, endpoint: EndpointRow, trigger: AttemptTrigger): Promise<Outcome> {
    const body = await this.bodies.bodyOf(message, trigger === 'scheduled' && message.scheduled_attempts === 0);
    if (endpoint.rate_limit !== null) await this.throttle.gate(endpoint.webhook_id, endpoint.rate_limit, () => this.wallClock.now());
    const attempted_at = this.ctx.clock.now();
    const response = await this.post(signedRequest(message.message_id, endpoint, body, attempted_at, this.wallClock.now(), this.timeoutMs));
    return { attempted_at, body, latency_ms: Math.max(0, Math.round(response.duration_ms)), ...verdictOf(response) };
  }

  /** The sender's answer; a sender that throws (it should not) is a failed attempt like any other. */
  private async post(request: WebhookRequest): Promise<WebhookResponse> {
    const started = this.stopwatch();
    this.sending += 1;
    try {
      return await this.sender.send(request);
    } catch (failure) {
      return { status_code: null, error: describeSendError(failure), duration_ms: this.stopwatch() - started };
    } finally {
      this.sending -= 1;
    }
  }
}
