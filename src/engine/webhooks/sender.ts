import { setMaxListeners } from 'node:events';

/** One attempt's POST, signed and complete: the sender adds nothing to it. */
export interface WebhookRequest {
  url: string;
  /** Every header to send: the endpoint's custom ones, content-type, webhook-id, -timestamp, -signature. */
  headers: Readonly<Record<string, string>>;
  /** The exact bytes that were signed. */
  body: string;
  /** The whole answer (connect and read) must arrive within this many ms (SPEC §4: 15 s). */
  timeoutMs: number;
}

/**
 * What became of one POST: transport facts only. Whether it counts as a success (a 2xx with no error) is
 * the retry policy's rule (retry-policy.ts), not the sender's.
 */
export interface WebhookResponse {
  /** The receiver's HTTP status; null when none arrived. */
  status_code: number | null;
  /** Why no whole answer arrived within the timeout (timedOut(ms), a refused connection …); null when one did. */
  error: string | null;
  /** From the start of the POST to the whole answer or the failure, in ms. */
  duration_ms: number;
}

/**
 * The seam between the dispatcher and the network, like PaymentProcessor for money: the dispatcher builds,
 * signs, schedules and records; a sender only delivers one request and says what came back. A sender does
 * not retry, follow redirects, or reject: a failure is a response with `error` (the dispatcher still records
 * a rejection as a failed attempt).
 */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
}

/** The error of an attempt that got no whole answer within `timeoutMs`. */
export function timedOut(timeoutMs: number): string {
  return `timed out after ${timeoutMs} ms`;
}

/** Text for a failure thrown by fetch or a sender: the message, with its cause's (e.g. ECONNREFUSED). */
export function describeSendError(failure: unknown): string {
  if (!(failure instanceof Error)) return String(failure);
  const cause = (failure as Error & { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : '';
  return detail ? `${failure.message}: ${detail}` : failure.message;
}

/**
 * The real sender: a `fetch` POST that never follows a redirect (a 3xx is the answer), reads the whole
 * response, and fails any answer that took longer than the request's timeout, so success is exactly
 * "answered within timeoutMs" (SPEC §4).
 */
export class FetchWebhookSender implements WebhookSender {
  /** Per timeout value (one in practice): the shared abort signals of its requests. */
  private readonly deadlines = new Map<number, Deadlines>();

  /** `stopwatch` measures durations and timeouts (default performance.now). */
  constructor(private readonly stopwatch: () => number = () => performance.now()) {}

  async send({ url, headers, body, timeoutMs }: WebhookRequest): Promise<WebhookResponse> {
    const started = this.stopwatch();
    let status_code: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: this.deadlinesOf(timeoutMs).signal(started) });
      status_code = response.status;
      // Read the answer inside the same timeout: success is the whole response within it.
      await response.arrayBuffer();
      if (this.stopwatch() - started > timeoutMs) error = timedOut(timeoutMs);
    } catch (failure) {
      error =
        failure instanceof Error && (failure.name === 'TimeoutError' || failure.name === 'AbortError')
          ? timedOut(timeoutMs)
          : describeSendError(failure);
    }
    return { status_code, error, duration_ms: this.stopwatch() - started };
  }

  private deadlinesOf(timeoutMs: number): Deadlines {
    let deadlines = this.deadlines.get(timeoutMs);
    if (!deadlines) {
      deadlines = new Deadlines(timeoutMs, this.stopwatch);
      this.deadlines.set(timeoutMs, deadlines);
    }
    return deadlines;
  }
}

/**
 * Abort signals for the per-attempt timeout, one per short slice of time instead of one per request
 * (AbortSignal.timeout per POST was a sixth of a send's cost in bench/webhooks.mjs): the requests started
 * in a slice share a signal that fires `timeoutMs` after the slice ends, so none is cut before its own
 * timeout and none runs more than a slice past it; send() classes an answer later than `timeoutMs` as
 * timed out, so success is exactly "within timeoutMs". State: the current slice's number and its signal,
 * replaced when a request starts in a later slice.
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
      const timer = setTimeout(() => controller.abort(new DOMException(timedOut(this.timeoutMs), 'TimeoutError')), Math.max(0, firesIn));
      timer.unref();
      this.slice = slice;
      this.current = controller.signal;
    }
    return this.current;
  }
}
