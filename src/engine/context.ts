import type { Clock } from './clock.js';
import type { Db } from './db/database.js';
import type { IdSource } from './ids.js';

/** What every service needs: the database, the time, the id source and whose business this is. */
export interface EngineContext {
  db: Db;
  clock: Clock;
  ids: IdSource;
  businessId: string;
}
