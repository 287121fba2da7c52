import type { Db } from './database.js';

/**
 * Runs `work` in one transaction: everything it writes, events included, commits together or not at all.
 * Inside a transaction already (a service calling another), it joins that one instead of nesting.
 */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute(work);
}
