import type { DueWorkResult } from '../subscriptions/types.js';

/** The engine's clock in test mode (SPEC D14). Instants ISO-8601. */
export interface TestClock {
  now: string;
  /** How far the test clock is ahead of real time, ms. */
  offset_ms: number;
  /** now − offset_ms: real time as the engine last knew it. */
  real_now: string;
  /** The earliest pending due work (a renewal, trial end, scheduled cancellation or term end), or null. */
  next_due_at: string | null;
}

/** Calendar-aware duration: months count on the calendar from now (Jan 31 + 1 month = Feb 28), the rest exactly. */
export interface ClockStep {
  months?: number | undefined;
  days?: number | undefined;
  hours?: number | undefined;
  minutes?: number | undefined;
  seconds?: number | undefined;
}

/** Exactly one of `to` (ISO-8601 instant) and `by`. */
export interface ClockAdvance {
  to?: string | undefined;
  by?: ClockStep | undefined;
}

export interface ClockAdvanced {
  from: string;
  /** Where the clock stands after the advance: `target`, or where it stopped when `completed` is false. */
  to: string;
  /** Where the advance was asked to go. */
  target: string;
  completed: boolean;
  /** Why it stopped short of `target` (a step failed after earlier ones were done), and what to do. */
  stopped_by?: string | undefined;
  /** How many due items were processed on the way. */
  processed_count: number;
  /** The due items processed, in time order: the first 500 when there were more. */
  processed: DueWorkResult[];
  /** The event types those listed items emitted, in order. */
  events: string[];
}
