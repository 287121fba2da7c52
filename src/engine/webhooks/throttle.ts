import { sleep as realSleep } from '../shared/sleep.js';

/**
 * An endpoint's `rate_limit` (SPEC §1.17, §4: "per-endpoint rate_limit throttles"): at most N sends per
 * second per endpoint, as a token bucket of one token refilled every 1000/N ms — sends to a throttled
 * endpoint start at least 1000/N ms apart, so any one-second window holds at most N of them.
 *
 * It runs on the wall clock, not the engine clock: the limit protects a real receiver from real bursts.
 * The engine clock stands still under the test clock (a frozen clock would never refill the bucket, so a
 * run would stall) and jumps by hours when the test clock advances (which would release a whole backlog
 * at once).
 *
 * Two stages. `reserve` hands out slots in advance, so an endpoint's backlog waits outside the send pool and
 * holds no slot another endpoint could use. Timers fire late when the process is busy, though, and two
 * late sleepers would then send together; so `gate`, just before each POST, spaces the POSTs themselves by
 * the wall clock's actual reading.
 */
export class EndpointThrottle {
  /** Per endpoint: the instant (wall ms) the next reserved slot starts. */
  private readonly nextFree = new Map<string, number>();
  /** Per endpoint: when the last POST passed the gate (wall ms). */
  private readonly lastSent = new Map<string, number>();

  /** `sleep` waits on the same wall clock `now` reads (default: real timers). */
  constructor(private readonly sleep: (ms: number) => Promise<void> = realSleep) {}

  /** Reserves the next slot of `key` at `perSecond` and returns how long to wait for it (ms, ≥ 0). */
  reserve(key: string, perSecond: number, now: number): number {
    const interval = 1000 / perSecond;
    const start = Math.max(now, this.nextFree.get(key) ?? now);
    this.nextFree.set(key, start + interval);
    this.forgetIdle(now);
    return start - now;
  }

  /** Waits until 1000/perSecond ms have passed since the last POST to `key` passed, then lets this one pass. */
  async gate(key: string, perSecond: number, now: () => number): Promise<void> {
    const interval = 1000 / perSecond;
    for (;;) {
      const last = this.lastSent.get(key);
      const before = now();
      const wait = last === undefined ? 0 : last + interval - before;
      if (wait <= 0) break;
      await this.sleep(Math.ceil(wait));
      // A wall clock that does not move (an injected fixed one) cannot space anything: let it pass.
      if (now() === before) break;
    }
    this.lastSent.set(key, now());
  }

  /** Keeps the maps to endpoints sending now. */
  private forgetIdle(now: number): void {
    if (this.nextFree.size <= 1000) return;
    for (const [k, at] of this.nextFree) if (at < now) this.nextFree.delete(k);
    for (const [k, at] of this.lastSent) if (at < now - 1000) this.lastSent.delete(k);
  }
}
