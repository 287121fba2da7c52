import type { Clock } from '../../src/engine/clock.js';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/**
 * Injected real time for the webhook dispatcher (its wall clock, stopwatch and sleep: rate_limit spacing, the
 * recorder's gathering window) and for the scripted sender's timeouts, so tests run them without waiting and
 * assert on instants that cannot drift. The time moves only to the next due timer:
 * - auto (default): once the process has nothing else to run (a setImmediate turn, after the microtasks),
 *   the earliest timer fires and the time jumps to it; one timer per turn, so whatever a wake-up sets off
 *   runs before the next one fires, and timers fire in time order (ties in the order they were set);
 * - manual (`auto: false`): timers fire only inside `advance(ms)`, so a test can look between two instants.
 * It starts at the real time by default: `webhook-timestamp` is taken from it, and standardwebhooks'
 * verify() rejects a timestamp more than 5 min from the real clock.
 */
export class VirtualTime {
  private current: number;
  private readonly timers: Timer[] = [];
  private nextSeq = 0;
  private turnQueued = false;
  private readonly auto: boolean;

  constructor(options: { start?: number; auto?: boolean } = {}) {
    this.current = options.start ?? Date.now();
    this.auto = options.auto ?? true;
  }

  readonly now = (): number => this.current;

  /** Resolves once the time has moved `ms` on; 0 or less resolves at once, like the engine's sleep. */
  readonly sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => this.at(this.current + ms, resolve)) : Promise.resolve());

  /** The wall clock the dispatcher reads. */
  get clock(): Clock {
    return { now: this.now };
  }

  /** Calls `fire` when the time reaches `at`; returns what cancels it. */
  at(at: number, fire: () => void): () => void {
    const timer: Timer = { at, seq: this.nextSeq++, fire };
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1]?.at ?? 0) > at) i--;
    this.timers.splice(i, 0, timer);
    this.queueTurn();
    return () => {
      const k = this.timers.indexOf(timer);
      if (k >= 0) this.timers.splice(k, 1);
    };
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Manual mode: moves the time `ms` on, firing the timers due by then in order, each after what the one before set off
   * has run; then lets what the last one set off run.
   */
  async advance(ms: number): Promise<void> {
    if (this.auto) throw new Error('advance() is for a manual VirtualTime: an auto one moves by itself');
    const target = this.current + ms;
    for (;;) {
      await nextTurn();
      const first = this.timers[0];
      if (!first || first.at > target) break;
      this.timers.shift();
      this.current = Math.max(this.current, first.at);
      first.fire();
    }
    this.current = Math.max(this.current, target);
    await nextTurn();
  }

  private queueTurn(): void {
    if (!this.auto || this.turnQueued) return;
    this.turnQueued = true;
    setImmediate(() => {
      this.turnQueued = false;
      const first = this.timers.shift();
      if (!first) return;
      this.current = Math.max(this.current, first.at);
      first.fire();
      if (this.timers.length > 0) this.queueTurn();
    });
  }
}

/** One turn of the event loop: every continuation already set off (microtasks) has run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
