import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../src/engine/clock.js';
import type { Engine, EngineOptions } from '../../src/engine/index.js';
import type { DispatcherOptions } from '../../src/engine/webhooks/dispatcher.js';
import { timedOut, type WebhookRequest, type WebhookResponse, type WebhookSender } from '../../src/engine/webhooks/sender.js';
import type { WebhookEndpoint } from '../../src/engine/webhooks/types.js';
import { createTestEngine, TEST_START, type TestEngine } from './test-engine.js';
import { VirtualTime } from './virtual-time.js';
import type { WebhookBody } from './webhook-receiver.js';

/**
 * What an endpoint answers a request: an HTTP status; an Error, which the send throws (as a dead host
 * would make fetch throw); or 'hang' — no answer until the test calls `release()`, else the request times
 * out when the injected time reaches its timeout.
 */
export type Answer = number | Error | 'hang';
/** The answer to an endpoint's n-th request (0-based, per endpoint). */
export type Script = (n: number, request: SentRequest) => Answer;

/** One request as the sender got it. */
export interface SentRequest {
  /** Its place among every request this sender got (0-based). */
  seq: number;
  url: string;
  id: string;
  timestamp: string;
  signature: string;
  /** Every header, names in lower case (as a server sees them). */
  headers: Record<string, string>;
  raw: string;
  body: WebhookBody;
  timeoutMs: number;
  /** The engine clock when it was sent (the test clock's "when"). */
  at: number;
  /** The injected wall time when it was sent. */
  wallAt: number;
  /** Set once answered: the injected wall time, and what the dispatcher got. */
  answeredAt?: number;
  response?: WebhookResponse;
}

/**
 * One scripted receiver, at one URL: what it got, and every request checked with standardwebhooks'
 * Webhook.verify — each secret in `verifyWith` must verify it, each in `mustNotVerify` must not. A breach is
 * kept in `problems` and answered 400, so a test fails on a bad signature by asserting `problems` is empty.
 */
export class ScriptedEndpoint {
  readonly received: SentRequest[] = [];
  readonly problems: string[] = [];
  verifyWith: string[] = [];
  mustNotVerify: string[] = [];
  /** Requests unanswered now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  private readonly hanging = new Set<(status: number) => void>();

  constructor(
    readonly url: string,
    readonly script: Script,
  ) {}

  /** Answers every request hanging now with `status`. */
  release(status = 200): void {
    for (const answer of [...this.hanging]) answer(status);
  }

  /** What arrived, in event order: by webhook-id (sequential test ids are given out in outbox order). */
  inEventOrder(): SentRequest[] {
    return [...this.received].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Event types received, in event order. */
  types(): string[] {
    return this.inEventOrder().map((r) => r.body.type);
  }

  /** @internal the sender's bookkeeping of a hanging request. */
  hang(answer: (status: number) => void): () => void {
    this.hanging.add(answer);
    return () => this.hanging.delete(answer);
  }

  /** @internal */
  check(request: SentRequest): string | null {
    const headers = { 'webhook-id': request.id, 'webhook-timestamp': request.timestamp, 'webhook-signature': request.signature };
    for (const secret of this.verifyWith) {
      try {
        new Webhook(secret).verify(request.raw, headers);
      } catch (error) {
        return `${request.id}: does not verify with ${secret.slice(0, 12)}…: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    for (const secret of this.mustNotVerify) {
      let verified = true;
      try {
        new Webhook(secret).verify(request.raw, headers);
      } catch {
        verified = false;
      }
      if (verified) return `${request.id}: still verifies with the retired secret ${secret.slice(0, 12)}…`;
    }
    return null;
  }
}

/**
 * A WebhookSender with no sockets: records every request and answers it as the script of the endpoint at
 * its URL says (a URL with no endpoint throws, like a host that does not resolve). Durations and timeouts
 * are measured on the injected VirtualTime, so a hang times out at exactly `timeoutMs`.
 */
export class ScriptedSender implements WebhookSender {
  readonly requests: SentRequest[] = [];
  /** Requests unanswered now over every endpoint, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** The engine clock each request is stamped with (`at`); set by `bind`. */
  private engineClock: Clock | undefined;
  private readonly endpoints = new Map<string, ScriptedEndpoint>();
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  private nextUrl = 0;

  constructor(readonly time: VirtualTime) {}

  /** The engine clock to stamp requests with (the engine is built after its options). */
  bind(clock: Clock): void {
    this.engineClock = clock;
  }

  /** A scripted receiver; answers 200 unless told otherwise. Without a URL, a fresh one. */
  endpoint(script: Script = () => 200, url = `https://hooks-${++this.nextUrl}.example.test/hooks`): ScriptedEndpoint {
    const endpoint = new ScriptedEndpoint(url, script);
    this.endpoints.set(url, endpoint);
    return endpoint;
  }

  /** EngineOptions.webhooks for an engine sending through this sender on the injected time. */
  options(settings: Pick<DispatcherOptions, 'timeoutMs' | 'concurrency' | 'perEndpointConcurrency'> = {}): NonNullable<EngineOptions['webhooks']> {
    return { ...settings, sender: this, wallClock: this.time.clock, stopwatch: this.time.now, sleep: this.time.sleep };
  }

  /** Resolves once `count` requests in all have been sent. */
  sent(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async send({ url, headers, body, timeoutMs }: WebhookRequest): Promise<WebhookResponse> {
    const endpoint = this.endpoints.get(url);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const request: SentRequest = {
      seq: this.requests.length,
      url,
      id: lower['webhook-id'] ?? '',
      timestamp: lower['webhook-timestamp'] ?? '',
      signature: lower['webhook-signature'] ?? '',
      headers: lower,
      raw: body,
      body: JSON.parse(body) as WebhookBody,
      timeoutMs,
      at: this.engineClock?.now() ?? Number.NaN,
      wallAt: this.time.now(),
    };
    this.requests.push(request);
    for (const w of this.waiters.filter((x) => this.requests.length >= x.count)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
    if (!endpoint) throw new Error(`fetch failed: getaddrinfo ENOTFOUND ${new URL(url).host}`);
    const n = endpoint.received.length;
    endpoint.received.push(request);
    const problem = endpoint.check(request);
    if (problem) endpoint.problems.push(problem);
    const answer = problem ? 400 : endpoint.script(n, request);
    this.enter(endpoint);
    const finish = (response: WebhookResponse): WebhookResponse => {
      request.answeredAt = this.time.now();
      request.response = response;
      this.leave(endpoint);
      return response;
    };
    if (answer instanceof Error) {
      finish({ status_code: null, error: answer.message, duration_ms: 0 });
      throw answer;
    }
    if (answer !== 'hang') return finish({ status_code: answer, error: null, duration_ms: 0 });
    return new Promise((resolve) => {
      const cancelTimeout = this.time.at(request.wallAt + timeoutMs, () => {
        unhang();
        resolve(finish({ status_code: null, error: timedOut(timeoutMs), duration_ms: timeoutMs }));
      });
      const unhang = endpoint.hang((status) => {
        unhang();
        cancelTimeout();
        resolve(finish({ status_code: status, error: null, duration_ms: this.time.now() - request.wallAt }));
      });
    });
  }

  private enter(endpoint: ScriptedEndpoint): void {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    endpoint.inFlight += 1;
    endpoint.maxInFlight = Math.max(endpoint.maxInFlight, endpoint.inFlight);
  }

  private leave(endpoint: ScriptedEndpoint): void {
    this.inFlight -= 1;
    endpoint.inFlight -= 1;
  }
}

export interface ScriptedEngine {
  engine: TestEngine;
  sender: ScriptedSender;
  time: VirtualTime;
}

/** A test engine (frozen clock, in-memory database) whose webhooks go to a scripted sender on injected time. */
export async function createScriptedEngine(
  options: { start?: string; auto?: boolean; webhooks?: Pick<DispatcherOptions, 'timeoutMs' | 'concurrency' | 'perEndpointConcurrency'> } = {},
): Promise<ScriptedEngine> {
  const time = new VirtualTime({ auto: options.auto ?? true });
  const sender = new ScriptedSender(time);
  // On SQLite whatever the run's database: virtual time moves on when the process is idle, and a PostgreSQL
  // round trip is idle time to it, so the schedule asserted in instants would shift. The dispatcher runs the
  // same code on both; its PostgreSQL statements are covered by the webhook tests with a real receiver.
  const engine = await createTestEngine(options.start ?? TEST_START, { webhooks: sender.options(options.webhooks), database: 'sqlite' });
  sender.bind(engine.clock);
  return { engine, sender, time };
}

/** An endpoint on `engine` for the scripted receiver `r`, which verifies with its secret. */
export async function endpointFor(
  engine: Engine,
  r: ScriptedEndpoint,
  options: { filter_types?: string[]; disabled?: boolean; rate_limit?: number } = {},
): Promise<WebhookEndpoint> {
  const endpoint = await engine.webhooks.create({ url: r.url, ...options });
  r.verifyWith = [(await engine.webhooks.getSecret(endpoint.id)).secret];
  return endpoint;
}
