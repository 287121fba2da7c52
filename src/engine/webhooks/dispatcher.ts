import { type Clock, iso, systemClock } from '../clock.js';
import type { EngineContext } from '../context.js';
import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { BillingError } from '../errors.js';
import { eventsAfter } from '../events/outbox.js';
import {
  attemptCount,
  dueMessageRows,
  earliestDueMessage,
  type EndpointRow,
  enabledEndpointRows,
  findCursor,
  findEndpointRow,
  findMessageRow,
  insertAttempt,
  insertMessages,
  lastOutboxSequence,
  type MessageRow,
  saveCursor,
  updateMessageRow,
} from './repo.js';
import { signatureHeader, signingSecrets } from './signing.js';
import { EndpointThrottle, sleep } from './throttle.js';
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
const DUE_BATCH = 500;

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
  /** Measures latency; default performance.now. */
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
 * filter matches, due now — and moves the cursor, in the caller's transaction. Endpoint writes call it
 * first, so an event is delivered under the endpoint settings that stood when it was written.
 */
export async function fanOutPending(trx: Db, ctx: EngineContext): Promise<number> {
  let cursor = (await findCursor(trx, ctx.businessId)) ?? 0;
  let fanned = 0;
  let endpoints: EndpointRow[] | undefined;
  for (;;) {
    const events = await eventsAfter(trx, cursor, FAN_OUT_BATCH);
    if (events.length === 0) break;
    endpoints ??= await enabledEndpointRows(trx, ctx.businessId);
    const now = ctx.clock.now();
    const rows: MessageRow[] = [];
    for (const event of events) {
      for (const endpoint of endpoints) {
        if (!matches(endpoint, event.type)) continue;
        rows.push({
          message_id: ctx.ids.next('webhookMessage'),
          webhook_id: endpoint.webhook_id,
          business_id: ctx.businessId,
          event_id: event.event_id,
          event_type: event.type,
          object_id: event.object_id,
          event_payload: JSON.stringify(event.payload),
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
    await insertMessages(trx, rows);
    cursor = events[events.length - 1]?.sequence ?? cursor;
    fanned += events.length;
  }
  if (fanned > 0) await saveCursor(trx, ctx.businessId, cursor);
  return fanned;
}

/** Bounded concurrency: a global limit and a per-endpoint one, so one dead endpoint cannot take every slot. */
class SendPool {
  private active = 0;
  private readonly perKey = new Map<string, number>();
  private readonly waiting: Array<{ key: string; resolve: () => void }> = [];

  constructor(
    private readonly limit: number,
    private readonly perKeyLimit: number,
  ) {}

  async acquire(key: string): Promise<void> {
    if (this.canTake(key)) return this.take(key);
    await new Promise<void>((resolve) => this.waiting.push({ key, resolve }));
  }

  release(key: string): void {
    this.active -= 1;
    const n = (this.perKey.get(key) ?? 1) - 1;
    if (n === 0) this.perKey.delete(key);
    else this.perKey.set(key, n);
    const index = this.waiting.findIndex((w) => this.canTake(w.key));
    if (index >= 0) {
      const [next] = this.waiting.splice(index, 1);
      if (next) {
        this.take(next.key);
        next.resolve();
      }
    }
  }

  private canTake(key: string): boolean {
    return this.active < this.limit && (this.perKey.get(key) ?? 0) < this.perKeyLimit;
  }

  private take(key: string): void {
    this.active += 1;
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
  }
}

/**
 * Delivers messages (SPEC §4): POSTs each with its latest-state body, signed with Standard Webhooks, and
 * records every attempt; failures are rescheduled by the engine clock on RETRY_DELAYS_MS. Sends run
 * concurrently under a SendPool and never inside a transaction, so a slow receiver holds neither the
 * database nor other endpoints. State lives in SQLite: after a restart, pending messages resume.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly pool: SendPool;
  /** Endpoints' rate_limit (throttle.ts): slots reserved before the pool, and a gate before each POST. */
  private readonly throttle = new EndpointThrottle();
  private readonly timeoutMs: number;
  private readonly wallClock: Clock;
  private readonly stopwatch: () => number;
  private closed = false;
  private onError: (error: unknown) => void = () => undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: DispatcherOptions = {},
  ) {
    this.pool = new SendPool(options.concurrency ?? DEFAULT_CONCURRENCY, options.perEndpointConcurrency ?? DEFAULT_PER_ENDPOINT_CONCURRENCY);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    this.wallClock = options.wallClock ?? systemClock;
    this.stopwatch = options.stopwatch ?? (() => performance.now());
  }

  /** Fans out new outbox events; a cheap read first, so an idle tick writes nothing. */
  async fanOut(): Promise<number> {
    if (!(await this.hasPendingEvents())) return 0;
    return inTransaction(this.ctx.db, (trx) => fanOutPending(trx, { ...this.ctx, db: trx }));
  }

  /** When work is next due: now when events wait for fan-out, else the earliest pending attempt, or null. */
  async nextDueAt(): Promise<number | null> {
    if (await this.hasPendingEvents()) return this.ctx.clock.now();
    return earliestDueMessage(this.ctx.db, this.ctx.businessId);
  }

  /**
   * Fans out, then makes every attempt due at or before `at` and waits for them (the due-work runner and
   * the test clock call this with the clock standing at `at`). Returns the work done: events fanned out
   * plus attempts made, 0 when nothing was due.
   */
  async runDue(at: number): Promise<number> {
    let work = await this.fanOut();
    const seen = new Set<string>();
    for (;;) {
      const due = (await dueMessageRows(this.ctx.db, this.ctx.businessId, at, DUE_BATCH)).filter((m) => !seen.has(m.message_id));
      if (due.length === 0) return work;
      const states = new Map<string, Promise<object | null>>();
      for (const m of due) seen.add(m.message_id);
      await Promise.all(due.map((m) => this.launch(m, states)));
      work += due.length;
    }
  }

  /**
   * Polls every `intervalMs` on an unref'd timer: fans out new events and starts due attempts without
   * waiting for them (a hanging receiver occupies only its own slots). Returns the function that stops it.
   */
  start(intervalMs: number, onError?: (error: unknown) => void): () => void {
    if (onError) this.onError = onError;
    let ticking = false;
    const tick = async () => {
      if (ticking || this.closed) return;
      ticking = true;
      try {
        await this.fanOut();
        const due = await dueMessageRows(this.ctx.db, this.ctx.businessId, this.ctx.clock.now(), DUE_BATCH);
        const states = new Map<string, Promise<object | null>>();
        for (const m of due) if (!this.inFlight.has(m.message_id)) void this.launch(m, states);
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

  /** Waits for every attempt in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Replays one message now, whatever its status (retry_webhook_delivery); a success completes it. */
  async replay(messageId: string): Promise<void> {
    const message = await findMessageRow(this.ctx.db, this.ctx.businessId, messageId);
    if (!message) throw new Error(`message ${messageId} vanished`);
    await this.attempt(message, 'manual', new Map());
  }

  /** Sends a test message once and records it; test sends are never retried. */
  async sendOnce(messageId: string): Promise<void> {
    const message = await findMessageRow(this.ctx.db, this.ctx.businessId, messageId);
    if (!message) throw new Error(`message ${messageId} vanished`);
    await this.attempt(message, 'test', new Map());
  }

  private async hasPendingEvents(): Promise<boolean> {
    const [last, cursor] = await Promise.all([lastOutboxSequence(this.ctx.db), findCursor(this.ctx.db, this.ctx.businessId)]);
    return last > (cursor ?? 0);
  }

  /** One scheduled attempt per message at a time; a second caller waits for the one in flight. */
  private launch(message: MessageRow, states: Map<string, Promise<object | null>>): Promise<void> {
    const existing = this.inFlight.get(message.message_id);
    if (existing) return existing;
    const run = this.attempt(message, 'scheduled', states)
      .catch((error: unknown) => {
        if (!this.closed) this.onError(error);
      })
      .finally(() => this.inFlight.delete(message.message_id));
    this.inFlight.set(message.message_id, run);
    return run;
  }

  private async attempt(queued: MessageRow, trigger: AttemptTrigger, states: Map<string, Promise<object | null>>): Promise<void> {
    // The endpoint's rate_limit: wait for a slot before taking a pool slot, so a throttled endpoint's backlog
    // sleeps outside the pool (throttle.ts); send() spaces the POSTs themselves.
    const limit = (await findEndpointRow(this.ctx.db, this.ctx.businessId, queued.webhook_id))?.rate_limit ?? null;
    if (limit !== null) await sleep(this.throttle.reserve(queued.webhook_id, limit, this.wallClock.now()));
    await this.pool.acquire(queued.webhook_id);
    let outcome: Outcome;
    try {
      const [message, endpoint] = await Promise.all([
        findMessageRow(this.ctx.db, this.ctx.businessId, queued.message_id),
        findEndpointRow(this.ctx.db, this.ctx.businessId, queued.webhook_id),
      ]);
      if (!message || !endpoint || this.closed) return;
      if (trigger === 'scheduled') {
        // Another caller may have made this attempt already, or the endpoint was disabled meanwhile.
        const due = message.status === 'pending' && message.next_attempt_at !== null && message.next_attempt_at <= this.ctx.clock.now();
        if (!due || endpoint.disabled === 1) return;
      }
      outcome = await this.send(message, endpoint, states);
    } finally {
      this.pool.release(queued.webhook_id);
    }
    if (this.closed) return;
    await this.record(queued.message_id, trigger, outcome);
  }

  private async send(message: MessageRow, endpoint: EndpointRow, states: Map<string, Promise<object | null>>): Promise<Outcome> {
    const body = JSON.stringify({
      business_id: this.ctx.businessId,
      type: message.event_type,
      timestamp: iso(message.occurred_at),
      data: await this.dataOf(message, states),
    });
    if (endpoint.rate_limit !== null) await this.throttle.gate(endpoint.webhook_id, endpoint.rate_limit, () => this.wallClock.now());
    const attempted_at = this.ctx.clock.now();
    const sentAt = this.wallClock.now();
    const headers: Record<string, string> = {
      ...(JSON.parse(endpoint.headers) as Record<string, string>),
      'content-type': 'application/json',
      'webhook-id': message.message_id,
      'webhook-timestamp': String(Math.floor(sentAt / 1000)),
      'webhook-signature': signatureHeader(signingSecrets(endpoint, attempted_at), message.message_id, sentAt, body),
    };
    const started = this.stopwatch();
    let status_code: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status_code = response.status;
      // Read the answer inside the same timeout: success is the whole response within 15 s.
      await response.arrayBuffer();
      if (status_code < 200 || status_code > 299) error = `HTTP ${status_code}`;
    } catch (failure) {
      error =
        failure instanceof Error && (failure.name === 'TimeoutError' || failure.name === 'AbortError')
          ? `timed out after ${this.timeoutMs} ms`
          : describeFetchError(failure);
    }
    const latency_ms = Math.max(0, Math.round(this.stopwatch() - started));
    return { attempted_at, status_code, latency_ms, error, succeeded: error === null, body };
  }

  /** data = {payload_type, …the object's latest state}; the event's payload fills what cannot be read. */
  private async dataOf(message: MessageRow, states: Map<string, Promise<object | null>>): Promise<Record<string, unknown>> {
    const fromEvent = JSON.parse(message.event_payload) as Record<string, unknown>;
    const kind = payloadTypeOf(message.event_type);
    const loader = kind === null ? undefined : this.options.loaders?.[kind];
    if (kind === null || loader === undefined || message.object_id === null || message.is_test === 1) return fromEvent;
    const key = `${kind}/${message.object_id}`;
    let state = states.get(key);
    if (!state) {
      state = loader(message.object_id).catch((error: unknown) => {
        if (error instanceof BillingError) return null;
        throw error;
      });
      states.set(key, state);
    }
    const latest = await state;
    return latest === null ? fromEvent : { ...fromEvent, ...latest, payload_type: kind };
  }

  /** One transaction: the attempt, and the message's new status and schedule. */
  private async record(messageId: string, trigger: AttemptTrigger, outcome: Outcome): Promise<void> {
    await inTransaction(this.ctx.db, async (trx) => {
      const message = await findMessageRow(trx, this.ctx.businessId, messageId);
      if (!message) return; // the endpoint was deleted while the attempt was in flight
      const patch: Partial<MessageRow> = { body: outcome.body, updated_at: this.ctx.clock.now() };
      let next: number | null = null;
      if (trigger === 'scheduled') {
        const made = message.scheduled_attempts + 1;
        patch.scheduled_attempts = made;
        if (outcome.succeeded) {
          patch.status = 'succeeded';
        } else if (made < MAX_ATTEMPTS) {
          next = outcome.attempted_at + (RETRY_DELAYS_MS[made] ?? 0);
        } else {
          patch.status = 'failed';
        }
        patch.next_attempt_at = next;
      } else if (trigger === 'test') {
        patch.status = outcome.succeeded ? 'succeeded' : 'failed';
        patch.next_attempt_at = null;
      } else if (outcome.succeeded) {
        // A manual replay that succeeds completes the message; one that fails leaves its schedule as it was.
        patch.status = 'succeeded';
        patch.next_attempt_at = null;
      } else {
        next = message.next_attempt_at;
      }
      await insertAttempt(trx, {
        attempt_id: this.ctx.ids.next('webhookAttempt'),
        message_id: messageId,
        attempt: (await attemptCount(trx, messageId)) + 1,
        trigger,
        attempted_at: outcome.attempted_at,
        status_code: outcome.status_code,
        latency_ms: outcome.latency_ms,
        error: outcome.error,
        succeeded: outcome.succeeded ? 1 : 0,
        next_attempt_at: next,
      });
      await updateMessageRow(trx, messageId, patch);
    });
  }
}

function describeFetchError(failure: unknown): string {
  if (!(failure instanceof Error)) return String(failure);
  const cause = (failure as Error & { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : '';
  return detail ? `${failure.message}: ${detail}` : failure.message;
}
