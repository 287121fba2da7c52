import type { MessageAfterAttempt } from './repo.js';
import type { WebhookResponse } from './sender.js';
import type { AttemptTrigger } from './types.js';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * SPEC §4: delay of each attempt after the previous one — immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 10 h; after the 8th failure the message is failed. Worked numbers, from the first attempt at 0:
 * - three failures then a success: attempts at 0, 5 s, 5 min 5 s, 35 min 5 s (35 min 5 s in total);
 * - eight failures: the 8th at 5 s + 5 min + 30 min + 2 h + 5 h + 10 h + 10 h = 27 h 35 min 5 s (99,305 s),
 *   after which the message is failed and nothing more is scheduled.
 */
export const RETRY_DELAYS_MS = [0, 5 * SECOND_MS, 5 * MINUTE_MS, 30 * MINUTE_MS, 2 * HOUR_MS, 5 * HOUR_MS, 10 * HOUR_MS, 10 * HOUR_MS] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length;
/** Success is a 2xx within 15 s, connect and read (SPEC §4). */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 15 * SECOND_MS;

/** One attempt's result before it is recorded. */
export interface Outcome {
  /** The engine clock's instant of the attempt: retries are scheduled from it. */
  attempted_at: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  succeeded: boolean;
  /** The body sent, kept on the message as its last payload. */
  body: string;
}

/**
 * SPEC §4: success = a 2xx answered within the timeout; anything else fails — the sender's error (timed
 * out, refused …) when it has one, else `HTTP <status>` for an answer outside 2xx (a 3xx included: redirects
 * are not followed). Examples: 204 → succeeded; 500 → "HTTP 500"; 200 after the timeout → the timeout.
 */
export function verdictOf({
  status_code,
  error,
}: Pick<WebhookResponse, 'status_code' | 'error'>): Pick<Outcome, 'status_code' | 'error' | 'succeeded'> {
  const failure = error ?? (status_code === null ? 'no response' : status_code < 200 || status_code > 299 ? `HTTP ${status_code}` : null);
  return { status_code, error: failure, succeeded: failure === null };
}

/**
 * When the schedule tries again after a failed scheduled attempt, the `made`-th (1-based), made at
 * `attemptedAt`; null after the 8th. E.g. the 1st failing at 0 → 5 s; the 3rd at 5 min 5 s → 35 min 5 s.
 */
export function retryAt(made: number, attemptedAt: number): number | null {
  const delay = made < MAX_ATTEMPTS ? RETRY_DELAYS_MS[made] : undefined;
  return delay === undefined ? null : attemptedAt + delay;
}

/**
 * A message after one attempt (SPEC §4): a scheduled attempt counts toward the 8 and either completes the
 * message, schedules the next try by RETRY_DELAYS_MS, or fails it; a test send completes either way; a
 * manual replay that succeeds completes the message, one that fails leaves its schedule as it was.
 * `retry_at` is the attempt's own next_attempt_at (when it is tried again, null if never).
 */
export function afterAttempt(
  message: MessageAfterAttempt,
  trigger: AttemptTrigger,
  outcome: Outcome,
): { message: MessageAfterAttempt; retry_at: number | null } {
  const next: MessageAfterAttempt = { ...message, body: outcome.body };
  let retry_at: number | null = null;
  if (trigger === 'scheduled') {
    const made = message.scheduled_attempts + 1;
    next.scheduled_attempts = made;
    if (outcome.succeeded) {
      next.status = 'succeeded';
    } else {
      retry_at = retryAt(made, outcome.attempted_at);
      if (retry_at === null) next.status = 'failed';
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
