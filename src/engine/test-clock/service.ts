import { addInterval } from '../calendar.js';
import { isAdvanceable, iso } from '../clock.js';
import type { EngineContext } from '../context.js';
import { BillingError } from '../errors.js';
import type { DueWorkRunner } from '../subscriptions/runner.js';
import { findTestClockOffset, saveTestClockOffset } from './repo.js';
import type { ClockAdvance, ClockAdvanced, ClockStep, TestClock } from './types.js';
import { parseInstant } from '../shared/instants.js';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * The test clock (SPEC D14, DESIGN "A test clock is part of the product"): reads the engine's time and
 * moves it forward, never back. An advance walks STEPWISE: to each due instant in order, running the due
 * work there (so a renewal's payment is dated on its billing date), then to the target. The offset is
 * persisted after every step, so a restarted server keeps the simulated date.
 */
export class TestClockService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: EngineContext,
    private readonly runner: DueWorkRunner,
  ) {}

  async get(): Promise<TestClock> {
    const now = this.ctx.clock.now();
    const offset = await findTestClockOffset(this.ctx.db, this.ctx.businessId);
    const next = await this.runner.nextDueAt();
    return { now: iso(now), offset_ms: offset, real_now: iso(now - offset), next_due_at: next === null ? null : iso(next) };
  }

  /**
   * Moves the clock to `to` (ISO-8601) or by `by` (months on the calendar: Jan 31 + 1 month = Feb 28;
   * days, hours, minutes, seconds exactly), running every due item on the way. Exactly one of the two
   * (INVALID_REQUEST_BODY); a target before now is INVALID_REQUEST_PARAMETERS; a real-time clock that
   * cannot be moved is UNSUPPORTED_ACTION. Advances run one at a time.
   */
  async advance(input: ClockAdvance): Promise<ClockAdvanced> {
    const run = this.queue.then(() => this.advanceNow(input));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async advanceNow(input: ClockAdvance): Promise<ClockAdvanced> {
    const clock = this.ctx.clock;
    if (!isAdvanceable(clock)) {
      throw new BillingError(
        'UNSUPPORTED_ACTION',
        'this engine runs on real time, which the test clock cannot move',
        'start the server without an injected real-time clock to use the test clock',
      );
    }
    const from = clock.now();
    const to = targetOf(input, from);
    const moveTo = async (at: number) => {
      const now = clock.now();
      if (at <= now) return;
      clock.advance(at - now);
      const offset = await findTestClockOffset(this.ctx.db, this.ctx.businessId);
      await saveTestClockOffset(this.ctx.db, this.ctx.businessId, offset + (at - now), clock.now());
    };
    const processed = await this.runner.run(to, { moveClockTo: moveTo });
    await moveTo(to);
    return { from: iso(from), to: iso(clock.now()), processed, events: processed.flatMap((r) => r.events) };
  }
}

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
      throw new BillingError(
        'INVALID_REQUEST_PARAMETERS',
        `the test clock only moves forward: by.${field} is ${value}`,
        'send amounts ≥ 0',
      );
    }
    target = field === 'months' ? addInterval(target, value, 'Month') : target + value * unit;
  }
  return target;
}
