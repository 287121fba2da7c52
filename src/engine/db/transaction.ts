import { CompiledQuery } from 'kysely';
import { type Db, shareRawConnection } from './database.js';

/**
 * Runs `work` in one transaction: everything it writes, events included, commits together or not at all.
 * Inside a transaction already (a service calling another), it joins that one instead of nesting.
 */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute((trx) => {
    shareRawConnection(db, trx);
    return work(trx);
  });
}

/** What inSavepoint's work came to: its value, or the error it threw (its writes undone). */
export type SavepointOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` under a savepoint of the caller's transaction, so one piece of a larger transaction can fail
 * alone: when `work` throws, only its own writes are undone (what ran before it stays, to commit with the
 * transaction) and the error is returned, not thrown. If undoing it fails, the transaction can no longer
 * be trusted and that error is thrown, for the caller to abandon the whole transaction.
 */
export async function inSavepoint<T>(trx: Db, work: () => Promise<T>): Promise<SavepointOutcome<T>> {
  if (!trx.isTransaction) throw new Error('inSavepoint must run inside a transaction');
  await trx.executeQuery(SAVEPOINT);
  let value: T;
  try {
    value = await work();
  } catch (error) {
    await trx.executeQuery(ROLLBACK_TO_SAVEPOINT);
    await trx.executeQuery(RELEASE_SAVEPOINT);
    return { ok: false, error };
  }
  await trx.executeQuery(RELEASE_SAVEPOINT);
  return { ok: true, value };
}

// The same in SQLite and PostgreSQL.
const SAVEPOINT = CompiledQuery.raw('savepoint work_item');
const ROLLBACK_TO_SAVEPOINT = CompiledQuery.raw('rollback to savepoint work_item');
const RELEASE_SAVEPOINT = CompiledQuery.raw('release savepoint work_item');
