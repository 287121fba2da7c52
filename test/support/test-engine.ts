import { FrozenClock } from '../../src/engine/clock.js';
import { sequentialIds } from '../../src/engine/ids.js';
import { createEngine, type Engine, type EngineOptions } from '../../src/engine/index.js';
import { openTestDatabase } from './test-database.js';

export const TEST_START = '2025-04-01T00:00:00.000Z';

export interface TestEngine extends Engine {
  clock: FrozenClock;
}

/** Collaborators a test may swap: the payment processor, the subscription starter, the public URL. */
export type TestEngineOptions = Pick<EngineOptions, 'processor' | 'subscriptionStarter' | 'publicBaseUrl' | 'webhooks'> & {
  /** 'sqlite' pins the test to SQLite in memory, whatever database the run's tests use (test-database.ts). */
  database?: 'sqlite';
};

/** A fresh engine on a private database (test-database.ts: SQLite in memory, or a PostgreSQL schema), with a frozen clock and ids pdt_0001, pdt_0002 … */
export async function createTestEngine(start: string = TEST_START, options: TestEngineOptions = {}): Promise<TestEngine> {
  const clock = new FrozenClock(start);
  const { database, ...engineOptions } = options;
  const { db, recycle } = await openTestDatabase(database);
  const engine = await createEngine({ db, clock, ids: sequentialIds(), ...engineOptions });
  const close = engine.close.bind(engine);
  return Object.assign(engine, {
    clock,
    close: async () => {
      await close();
      await recycle();
    },
  });
}
