import type SQLite from 'better-sqlite3';
import type { EngineContext } from '../context.js';
import type { WebhookAttemptsTable } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { attemptCounts, insertAttempts, type MessageAfterAttempt, messageSchedules, releaseClaims, updateMessagesAfterAttempts } from './repo.js';
import { afterAttempt, type Outcome } from './retry-policy.js';
import type { AttemptTrigger } from './types.js';

/** How long the recorder gathers outcomes while sends are in flight (a sender never waits for it). */
const RECORD_DELAY_MS = 200;
const RECORD_POLL_MS = 5;
/** Outcomes recorded per transaction at most. */
const RECORD_BATCH = 500;
/** Outcomes waiting to be recorded before senders pause for the recorder. */
const RECORD_BACKLOG = 4096;

/** An outcome waiting for the recorder, and who waits for it to be written. */
interface PendingRecord {
  message_id: string;
  trigger: AttemptTrigger;
  outcome: Outcome;
  done: () => void;
  failed: (error: unknown) => void;
}

export interface RecorderOptions {
  /** The SQLite connection under ctx.db, for the repo's prepared-statement hot paths; undefined elsewhere. */
  raw: SQLite.Database | undefined;
  /** This engine's token in message claims: a recorded message's claim is released. */
  owner: string;
  /** Sends in flight now: while any are, a batch waits (up to RECORD_DELAY_MS) for their outcomes. */
  sendsInFlight: () => number;
  stopwatch: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Writes attempt outcomes in batches — one transaction per batch of finished attempts, while sends go on —
 * and never does network I/O inside a transaction. Each message's new status and schedule is worked out
 * (retry-policy.ts) from what stands in the database when the batch is written. An attempt whose outcome
 * was not yet written when the process stopped is made again after a restart, under the same webhook-id
 * (receivers dedupe on it, SPEC §4).
 *
 * State: `records` holds outcomes handed over and not yet taken into a batch; `recording` is the one drain
 * running (at most one at a time). Invariant: every outcome handed over is written exactly once and its
 * waiter settled — or, once closed, settled unwritten (the attempt is made again after a restart).
 */
export class OutcomeRecorder {
  private records: PendingRecord[] = [];
  private recording: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: RecorderOptions,
  ) {}

  /** The drain under way, if any (idle() waits for it). */
  get draining(): Promise<void> | null {
    return this.recording;
  }

  /** So many outcomes wait that senders should wait for theirs before sending more. */
  get behind(): boolean {
    return this.records.length >= RECORD_BACKLOG;
  }

  /** Hands an outcome over; resolves once it is written (at once when closed). */
  record(messageId: string, trigger: AttemptTrigger, outcome: Outcome): Promise<void> {
    if (this.closed) return Promise.resolve();
    const written = new Promise<void>((done, failed) => this.records.push({ message_id: messageId, trigger, outcome, done, failed }));
    this.kick();
    return written;
  }

  /** Stops writing: outcomes not yet written are dropped (their attempts are made again after a restart). */
  close(): void {
    this.closed = true;
  }

  private kick(): void {
    if (this.recording || this.records.length === 0) return;
    this.recording = this.drain().finally(() => {
      this.recording = null;
      // Outcomes handed over after the last batch was taken, before this drain ended.
      this.kick();
    });
  }

  /** Writes outcomes a batch per transaction until none wait; outcomes that finish meanwhile join the next batch. */
  private async drain(): Promise<void> {
    const { stopwatch, sleep, sendsInFlight } = this.options;
    while (this.records.length > 0) {
      // While sends are in flight, let their outcomes join this batch (up to RECORD_DELAY_MS): a few large
      // transactions cost far less than many small ones (each rewrites the index pages it touches).
      const since = stopwatch();
      while (this.records.length < RECORD_BATCH && sendsInFlight() > 0 && stopwatch() - since < RECORD_DELAY_MS) await sleep(RECORD_POLL_MS);
      const batch = this.records.splice(0, RECORD_BATCH);
      if (this.closed) {
        for (const r of batch) r.done();
        continue;
      }
      try {
        await this.write(batch);
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
  private async write(batch: readonly PendingRecord[]): Promise<void> {
    const { raw, owner } = this.options;
    await inTransaction(this.ctx.db, async (trx) => {
      const ids = [...new Set(batch.map((r) => r.message_id))];
      const [schedules, counts] = await Promise.all([messageSchedules(trx, ids, raw), attemptCounts(trx, ids, raw)]);
      const state = new Map<string, MessageAfterAttempt>(
        schedules.map((m) => [
          m.message_id,
          { message_id: m.message_id, body: null, status: m.status, scheduled_attempts: m.scheduled_attempts, next_attempt_at: m.next_attempt_at },
        ]),
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
      await insertAttempts(trx, attempts, raw);
      const touched = new Set(attempts.map((a) => a.message_id));
      await updateMessagesAfterAttempts(
        trx,
        [...state.values()].filter((m) => touched.has(m.message_id)),
        this.ctx.clock.now(),
        raw,
      );
      await releaseClaims(trx, ids, owner);
    });
  }
}
