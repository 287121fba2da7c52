// Rule under test: SPEC §4's retry schedule and success rule as pure functions — success = a 2xx with no
// transport error; delays 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h from the previous attempt, failed after
// the 8th; a test send completes either way; a failed manual replay leaves the schedule as it was. The
// worked numbers: three failures then a success take 35 min 5 s; eight failures span 27 h 35 min 5 s.
import { describe, expect, test } from 'vitest';
import type { MessageAfterAttempt } from '../../../src/engine/webhooks/repo.js';
import { afterAttempt, MAX_ATTEMPTS, type Outcome, RETRY_DELAYS_MS, retryAt, verdictOf } from '../../../src/engine/webhooks/retry-policy.js';

const S = 1000;
const pending: MessageAfterAttempt = { message_id: 'msg_1', body: null, status: 'pending', scheduled_attempts: 0, next_attempt_at: 0 };
const outcome = (attempted_at: number, succeeded: boolean): Outcome => ({
  attempted_at,
  status_code: succeeded ? 200 : 500,
  latency_ms: 3,
  error: succeeded ? null : 'HTTP 500',
  succeeded,
  body: '{"type":"payment.succeeded"}',
});

/** Runs scheduled attempts from 0, each made when the one before scheduled it; the instants they were made. */
function schedule(results: readonly boolean[]): { made: number[]; last: MessageAfterAttempt } {
  let message = pending;
  let at: number | null = 0;
  const made: number[] = [];
  for (const ok of results) {
    if (at === null) break;
    made.push(at);
    const next = afterAttempt(message, 'scheduled', outcome(at, ok));
    message = next.message;
    at = next.retry_at;
  }
  return { made, last: message };
}

describe('SPEC §4 retry policy', () => {
  test('the schedule: 8 attempts, 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h apart', () => {
    expect(MAX_ATTEMPTS).toBe(8);
    expect(RETRY_DELAYS_MS.map((ms) => ms / S)).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(retryAt(1, 0)).toBe(5 * S);
    expect(retryAt(3, 305 * S)).toBe(2105 * S);
    expect(retryAt(8, 0)).toBeNull();
  });

  test('three failures then a success: attempts at 0, 5 s, 5 min 5 s, 35 min 5 s; the message succeeded', () => {
    const { made, last } = schedule([false, false, false, true]);
    expect(made.map((ms) => ms / S)).toEqual([0, 5, 305, 2105]);
    expect(last).toMatchObject({ status: 'succeeded', scheduled_attempts: 4, next_attempt_at: null, body: '{"type":"payment.succeeded"}' });
  });

  test('eight failures: the 8th at 27 h 35 min 5 s, then the message is failed with nothing scheduled', () => {
    const { made, last } = schedule(Array.from({ length: 10 }, () => false));
    expect(made).toHaveLength(8);
    expect((made.at(-1) ?? 0) / S).toBe(27 * 3600 + 35 * 60 + 5);
    expect(last).toMatchObject({ status: 'failed', scheduled_attempts: 8, next_attempt_at: null });
  });

  test('a test send completes either way and is never retried', () => {
    expect(afterAttempt(pending, 'test', outcome(0, false))).toMatchObject({
      message: { status: 'failed', next_attempt_at: null, scheduled_attempts: 0 },
      retry_at: null,
    });
    expect(afterAttempt(pending, 'test', outcome(0, true))).toMatchObject({
      message: { status: 'succeeded', next_attempt_at: null },
      retry_at: null,
    });
  });

  test('a manual replay: a success completes the message; a failure leaves its schedule and count as they were', () => {
    const waiting: MessageAfterAttempt = { ...pending, scheduled_attempts: 2, next_attempt_at: 305 * S };
    expect(afterAttempt(waiting, 'manual', outcome(60 * S, false))).toEqual({
      message: { ...waiting, body: '{"type":"payment.succeeded"}' },
      retry_at: 305 * S,
    });
    expect(afterAttempt({ ...waiting, status: 'failed', next_attempt_at: null }, 'manual', outcome(60 * S, true)).message).toMatchObject({
      status: 'succeeded',
      scheduled_attempts: 2,
      next_attempt_at: null,
    });
  });

  test('success is a 2xx with no transport error; otherwise the error says why', () => {
    expect(verdictOf({ status_code: 204, error: null })).toEqual({ status_code: 204, error: null, succeeded: true });
    expect(verdictOf({ status_code: 299, error: null })).toMatchObject({ succeeded: true });
    expect(verdictOf({ status_code: 500, error: null })).toEqual({ status_code: 500, error: 'HTTP 500', succeeded: false });
    expect(verdictOf({ status_code: 302, error: null })).toEqual({ status_code: 302, error: 'HTTP 302', succeeded: false });
    expect(verdictOf({ status_code: 199, error: null })).toMatchObject({ error: 'HTTP 199', succeeded: false });
    // A 200 read after the timeout is a timeout.
    expect(verdictOf({ status_code: 200, error: 'timed out after 15000 ms' })).toEqual({
      status_code: 200,
      error: 'timed out after 15000 ms',
      succeeded: false,
    });
    expect(verdictOf({ status_code: null, error: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9' })).toMatchObject({
      status_code: null,
      succeeded: false,
    });
  });
});
