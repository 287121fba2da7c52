/**
 * The global bound on sends in flight over all endpoints (`concurrency`, default 64); the per-endpoint bound
 * is the number of senders a lane runs (lanes.ts). A semaphore handing its slot straight to the longest
 * waiter. Invariant: `active` ≤ `limit`, and someone waits only while `active` = `limit`.
 */
export class SendPool {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
