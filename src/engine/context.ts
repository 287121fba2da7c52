import type { Clock } from './clock.js';
import type { Db } from './db/database.js';
import { inTransaction } from './db/transaction.js';
import type { IdSource } from './ids.js';

/** What every service needs: the database, the time, the id source and whose business this is. */
export interface EngineContext {
  db: Db;
  clock: Clock;
  ids: IdSource;
  businessId: string;
}

/**
 * Runs `work` in one transaction of `ctx.db` (joining the one already open), handing it this context over
 * that transaction: how code that holds only data (the webhook dispatcher, the usage store) writes
 * atomically. Services hold a Scope and use `scope.transaction` instead (scope.ts).
 */
export function inContextTransaction<T>(ctx: EngineContext, work: (tctx: EngineContext) => Promise<T>): Promise<T> {
  return inTransaction(ctx.db, (trx) => work(trx === ctx.db ? ctx : { db: trx, clock: ctx.clock, ids: ctx.ids, businessId: ctx.businessId }));
}
