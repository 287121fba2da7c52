// Rule under test: an endpoint's rate_limit (SPEC §1.17, §4 "per-endpoint rate_limit throttles") — at most N
// sends per second to that endpoint, spaced 1000/N ms apart on the wall clock (the engine clock stands still
// under the test clock), while an unthrottled endpoint receiving the same events is not held up; every
// throttled delivery still arrives, signed, once. Plus the slot arithmetic of EndpointThrottle. The wall
// clock is injected (VirtualTime): send instants are exact, and the spacing is asserted on them.
import { describe, expect, test } from 'vitest';
import { EndpointThrottle } from '../../../src/engine/webhooks/throttle.js';
import { oneTime } from '../../support/checkout-fixtures.js';
import { buy } from '../../support/refund-fixtures.js';
import { createScriptedEngine, endpointFor } from '../../support/scripted-sender.js';
import type { TestEngine } from '../../support/test-engine.js';
import { VirtualTime } from '../../support/virtual-time.js';

async function purchases(engine: TestEngine, n: number): Promise<void> {
  const guide = await oneTime(engine, { price: 1900 });
  for (let i = 0; i < n; i++) await buy(engine, [[guide.product_id, 1]], { email: `b${i}@example.com` });
}

/** The most instants inside any window of `widthMs` (from one instant to just before instant + widthMs). */
function busiestWindow(instants: readonly number[], widthMs: number): number {
  const sorted = [...instants].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] ?? 0) - (sorted[i] ?? 0) >= widthMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('rate_limit', () => {
  test('20/s: 30 POSTs 50 ms apart, at most 20 a second; an unthrottled endpoint is not held up', async () => {
    const { engine, sender, time } = await createScriptedEngine();
    try {
      const throttledR = sender.endpoint();
      const throttled = await endpointFor(engine, throttledR, { rate_limit: 20 });
      const free = sender.endpoint();
      await endpointFor(engine, free);
      await purchases(engine, 15);

      const t0 = time.now();
      await engine.dueWork.run(engine.clock.now());

      // Every delivery arrived once, signed, at both endpoints.
      expect([...throttledR.problems, ...free.problems]).toEqual([]);
      expect(free.received).toHaveLength(30);
      expect(new Set(throttledR.received.map((x) => x.id)).size).toBe(30);
      const sends = throttledR.received.map((x) => x.wallAt - t0);
      // One slot every 50 ms from the first: 0, 50, …, 1450 — so any second holds 20.
      expect(sends).toEqual(Array.from({ length: 30 }, (_, i) => i * 50));
      expect(busiestWindow(sends, 1000)).toBe(20);
      // The unthrottled endpoint is not held to the throttle: its 30 all went at once, before the throttled 2nd.
      expect(free.received.every((x) => x.wallAt === t0)).toBe(true);
      expect(Math.max(...free.received.map((x) => x.seq))).toBeLessThan(throttledR.received[1]?.seq ?? -1);
      const deliveries = await engine.webhooks.listDeliveries({ webhook_id: throttled.id, status: 'succeeded' }, { page_size: 100 });
      expect(deliveries.items).toHaveLength(30);
    } finally {
      await engine.close();
    }
  });

  test('changing rate_limit to null lifts the throttle', async () => {
    const { engine, sender, time } = await createScriptedEngine();
    try {
      const r = sender.endpoint();
      const endpoint = await endpointFor(engine, r, { rate_limit: 1 });
      expect(await engine.webhooks.update(endpoint.id, { rate_limit: null })).toMatchObject({ rate_limit: null });
      await purchases(engine, 3);
      const t0 = time.now();
      await engine.dueWork.run(engine.clock.now());
      // At 1/s the six would go 1 s apart; unthrottled they all go at once.
      expect(r.received.map((x) => x.wallAt - t0)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(r.problems).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  test('EndpointThrottle: slots 1000/N ms apart per endpoint, independent endpoints, no debt after idling', () => {
    const throttle = new EndpointThrottle();
    expect([0, 1, 2, 3].map(() => throttle.reserve('wh_a', 4, 10_000))).toEqual([0, 250, 500, 750]);
    expect(throttle.reserve('wh_b', 4, 10_000)).toBe(0);
    // 100 ms later the next free slot of wh_a is at 11_000.
    expect(throttle.reserve('wh_a', 4, 10_100)).toBe(900);
    // Idle for a minute: no backlog of slots, the next send goes at once.
    expect(throttle.reserve('wh_a', 4, 70_000)).toBe(0);
    expect(throttle.reserve('wh_a', 4, 70_000)).toBe(250);
  });

  test('EndpointThrottle.gate: POSTs to one endpoint pass ≥ 1000/N ms apart by the clock it is given', async () => {
    const time = new VirtualTime({ start: 0 });
    const throttle = new EndpointThrottle(time.sleep);
    const passed: number[] = [];
    await Promise.all(
      ['wh_a', 'wh_a', 'wh_b', 'wh_a'].map(async (key) => {
        await throttle.gate(key, 4, time.now);
        passed.push(time.now());
      }),
    );
    // wh_b is not held by wh_a; the three to wh_a pass 250 ms apart.
    expect(passed).toEqual([0, 0, 250, 500]);
  });
});
