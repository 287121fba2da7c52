import { randomUUID } from 'node:crypto';
import { addInterval } from '../calendar.js';
import { type AdvanceableClock, type Clock, isAdvanceable, isSharedClock, iso, systemClock } from '../clock.js';
import { BillingError } from '../errors.js';
import type { Scope } from '../scope.js';
import { sleep } from '../shared/sleep.js';
import type { DueWorkRunner } from '../subscriptions/runner.js';
import type { DueWorkResult } from '../subscriptions/types.js';
import { claimAdvanceLease, findTestClockOffset, releaseAdvanceLease, renewAdvanceLease, saveTestClockOffset } from './repo.js';
import type { ClockAdvance, ClockAdvanced, ClockStep, TestClock } from './types.js';
import { parseInstant } from '../shared/instants.js';

const LATEST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59);
const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** An advance holds its lease this long past its last heartbeat (real time); one every LEASE_MS / 5. */
const LEASE_MS = 10 * SECOND_MS;
/** How long an advance waits for another process's advance to finish before answering DATABASE_BUSY. */
const LEASE_WAIT_MS = 60 * SECOND_MS;

export interface TestClockOptions {
  /** Real time, for the advance lease (the test clock itself jumps); default the system clock. */
  realClock?: Clock | undefined;
}

/**
 * The test clock (SPEC D14, D17, DESIGN "A test clock is part of the product"): reads the engine's time
 * and moves it forward, never back. An advance walks STEPWISE: to each due instant in order, running the
 * due work there (so a renewal's payment is dated on its billing date), then to the target. Each step
 * stores the clock in its own write transaction, so every process on the database sees it at once.
 *
 * Several processes, one clock: an advance holds a lease in the database (test_clock.advance_owner) for
 * as long as it runs, renewed by a heartbeat, so advances from any processes run one after another and
 * each starts where the previous one ended; a process that dies mid-advance loses the lease after
 * LEASE_MS. Advances in this process also queue in memory, so they never poll for their own lease.
 */
export class TestClockService {
  private queue: Promise<unknown> = Promise.resolve();
  /** This engine's token in the lease; random, so two processes never share one. */
  private readonly owner = randomUUID();
  private readonly realClock: Clock;

  constructor(
    private readonly scope: Scope,
    /** The engine's due-work runner (a test may give a stand-in). */
    private readonly runner: DueWorkRunner,
    options: TestClockOptions = {},
  ) {
    this.realClock = options.realClock ?? systemClock;
  }

  async get(): Promise<TestClock> {
    const now = this.scope.clock.now();
    const offset = await findTestClockOffset(this.scope.db, this.scope.businessId);
    const next = await this.runner.nextDueAt();
    return { now: iso(now), offset_ms: offset, real_now: iso(now - offset), next_due_at: next === null ? null : iso(next) };
  }

  /**
   * Moves the clock to `to` (ISO-8601) or by `by` (months on the calendar: Jan 31 + 1 month = Feb 28;
   * days, hours, minutes, seconds exactly), running every due item on the way. Exactly one of the two
   * (INVALID_REQUEST_BODY); a target before now is INVALID_REQUEST_PARAMETERS; a real-time clock that
   * cannot be moved is UNSUPPORTED_ACTION. Advances run one at a time, across processes too; `by` counts
   * from where the previous advance ended.
   *
   * When a step fails after others were done (the database stayed locked past its wait, say), the answer
   * is not an error: it says where the clock stopped (`to`, `completed: false`, `stopped_by`), with every
   * item processed up to there, and the clock stands exactly where that work left it. A failure before
   * anything moved is thrown as it is: nothing changed.
   */
  async advance(input: ClockAdvance): Promise<ClockAdvanced> {
    const run = this.queue.then(() => this.advanceNow(input));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async advanceNow(input: ClockAdvance): Promise<ClockAdvanced> {
    const clock = this.scope.clock;
    if (!isAdvanceable(clock)) {
      throw new BillingError(
        'UNSUPPORTED_ACTION',
        'this engine runs on real time, which the test clock cannot move',
        'start the server without an injected real-time clock to use the test clock',
      );
    }
    // Bad input is refused before waiting for another process's advance.
    targetOf(input, clock.now());
    const release = await this.takeLease();
    try {
      // Where the previous advance (of any process) ended.
      const from = clock.now();
      const target = targetOf(input, from);
      const processed: DueWorkResult[] = [];
      let moved = false;
      const moveTo = async (at: number) => {
        moved = (await this.moveTo(clock, at)) || moved;
      };
      try {
        await this.runner.run(target, { moveClockTo: moveTo, report: (result) => processed.push(result) });
        await moveTo(target);
      } catch (error) {
        if (!moved && processed.length === 0) throw error;
        const reason = error instanceof BillingError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
        return advanced(from, clock.now(), target, processed, `${reason}; call advance_test_clock again to go on`);
      }
      // Completed: the clock stood at the target when moved there. On a real-time base it has ticked on
      // since (a millisecond under load), which is not part of the advance: `to` is the target.
      return advanced(from, target, target, processed);
    } finally {
      await release();
    }
  }

  /**
   * Stores the clock at `at` when it is behind it, in a write transaction: under the write lock no other
   * process can store the clock, so the stored offset becomes exactly `at` − real time (never a sum of
   * two processes' moves). Returns whether it moved.
   */
  private async moveTo(clock: AdvanceableClock, at: number): Promise<boolean> {
    let moved = 0;
    let stored = 0;
    await this.scope.transaction(async (tx) => {
      const now = clock.now();
      if (at <= now) return;
      moved = at - now;
      stored = isSharedClock(clock) ? at - clock.realNow() : (await findTestClockOffset(tx.db, tx.businessId)) + moved;
      await saveTestClockOffset(tx.db, tx.businessId, stored, at);
    });
    if (moved === 0) return false;
    if (isSharedClock(clock)) clock.resync(stored);
    else clock.advance(moved);
    return true;
  }

  /** Waits for the advance lease (see the class comment); returns its release. */
  private async takeLease(): Promise<() => Promise<void>> {
    const scope = this.scope;
    const started = this.realClock.now();
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      const realNow = this.realClock.now();
      const taken = await scope.transaction((tx) => claimAdvanceLease(tx.db, tx.businessId, this.owner, realNow, realNow + LEASE_MS, tx.clock.now()));
      if (taken) break;
      if (realNow - started >= LEASE_WAIT_MS) {
        throw new BillingError(
          'DATABASE_BUSY',
          `another billing-mcp process has been advancing the test clock for over ${LEASE_WAIT_MS / SECOND_MS} s; this call changed nothing`,
          'retry the call once that advance has finished (get_test_clock shows the time it has reached)',
        );
      }
      await sleep(delay);
    }
    // A heartbeat that fails (the database busy for a moment) is made up by the next one, well within the lease.
    const heartbeat = setInterval(() => {
      const until = this.realClock.now() + LEASE_MS;
      scope.transaction((tx) => renewAdvanceLease(tx.db, tx.businessId, this.owner, until)).catch(() => undefined);
    }, LEASE_MS / 5);
    heartbeat.unref();
    return async () => {
      clearInterval(heartbeat);
      // Left in place if this fails: the lease then simply runs out.
      await scope.transaction((tx) => releaseAdvanceLease(tx.db, tx.businessId, this.owner)).catch(() => undefined);
    };
  }
}

/**
 * The answer lists the first MAX_LISTED items (a month over 10,000 subscriptions would otherwise answer
 * megabytes) and counts them all; the events are those of the listed items.
 */
function advanced(from: number, reached: number, target: number, processed: DueWorkResult[], stoppedBy?: string): ClockAdvanced {
  const listed = processed.slice(0, MAX_LISTED);
  return {
    from: iso(from),
    to: iso(reached),
    target: iso(target),
    completed: stoppedBy === undefined,
    ...(stoppedBy !== undefined && { stopped_by: stoppedBy }),
    processed_count: processed.length,
    processed: listed,
    events: listed.flatMap((r) => r.events),
  };
}

const MAX_LISTED = 500;

/** The instant an advance aims at; see advance(). */
export function targetOf(input: ClockAdvance, now: number): number {
  const hasTo = input.to !== undefined;
  const hasBy = input.by !== undefined;
  if (hasTo === hasBy) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      hasTo ? 'give to or by, not both' : 'give to (an ISO-8601 instant) or by ({days, hours, minutes, seconds, months})',
      'send e.g. by: {months: 1} or to: "2025-05-01T00:00:00Z"',
    );
  }
  const target = input.to !== undefined ? parseInstant('to', input.to, 'send e.g. 2025-05-01T00:00:00Z') : stepFrom(now, input.by ?? {});
  // Past the year 9999 an instant has no ISO-8601 form (and past 275760 none at all): the clock stopped
  // there would break every later read.
  if (!(target <= LATEST_INSTANT)) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `the test clock goes no later than ${iso(LATEST_INSTANT)}`,
      'send a nearer instant or a shorter duration',
    );
  }
  if (target < now) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `the test clock only moves forward: ${iso(target)} is before now (${iso(now)})`,
      `send an instant at or after ${iso(now)}`,
    );
  }
  return target;
}

function stepFrom(now: number, by: ClockStep): number {
  // An empty step would answer as if time had moved: refused, so the caller learns it did not.
  if (Object.values(by).every((value) => value === undefined)) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      'by has no duration: give at least one of months, days, hours, minutes, seconds',
      'send e.g. by: {days: 1}',
    );
  }
  const parts: Array<[keyof ClockStep, number]> = [
    ['months', 0],
    ['days', DAY_MS],
    ['hours', HOUR_MS],
    ['minutes', MINUTE_MS],
    ['seconds', SECOND_MS],
  ];
  let target = now;
  for (const [field, unit] of parts) {
    const value = by[field];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value)) {
      throw new BillingError('INVALID_REQUEST_BODY', `by.${field} must be a whole number, got ${value}`, 'send e.g. by: {days: 14}');
    }
    if (value < 0) {
      throw new BillingError('INVALID_REQUEST_PARAMETERS', `the test clock only moves forward: by.${field} is ${value}`, 'send amounts ≥ 0');
    }
    target = field === 'months' ? addInterval(target, value, 'Month') : target + value * unit;
  }
  return target;
}
