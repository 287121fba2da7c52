import { FrozenClock } from '../../src/engine/clock.js';
import { openDatabase } from '../../src/engine/db/database.js';
import { sequentialIds } from '../../src/engine/ids.js';
import { createEngine, type Engine, type EngineOptions } from '../../src/engine/index.js';

export const TEST_START = '2025-04-01T00:00:00.000Z';

export interface TestEngine extends Engine {
  clock: FrozenClock;
}

/** Collaborators a test may swap: the payment processor, the subscription starter, the public URL. */
export type TestEngineOptions = Pick<EngineOptions, 'processor' | 'subscriptionStarter' | 'publicBaseUrl' | 'webhooks'>;

/** A fresh engine on a private in-memory database, with a frozen clock and ids pdt_0001, pdt_0002 … */
export async function createTestEngine(start: string = TEST_START, options: TestEngineOptions = {}): Promise<TestEngine> {
  const clock = new FrozenClock(start);
  const { db } = openDatabase({ path: ':memory:' });
  const engine = await createEngine({ db, clock, ids: sequentialIds(), ...options });
  return Object.assign(engine, { clock });
}
