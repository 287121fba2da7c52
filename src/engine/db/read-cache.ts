import type { Db } from './database.js';

/**
 * Reads a long transaction may share. The due-work runner holds one transaction over many renewals, and
 * the catalogue rows each renewal reads (its product, meters, brand, the business settings) cannot change
 * under it — it holds the connection, and renewals do not write them — so inside it each such read runs
 * once rather than once per renewal (10,000 renewals of one product read the product once).
 *
 * Repos wrap those reads in cachedRead; with no cache open on the db (every other caller) it simply reads.
 * Cached values are frozen, so a caller that tried to change a shared one would fail loudly. A repo write
 * to a cached table calls forgetCachedReads, and the runner forgets them when an item rolls back.
 */
const caches = new WeakMap<Db, Map<string, Promise<unknown>>>();

/** Opens a read cache on `trx` for as long as the returned close() is not called. */
export function openReadCache(trx: Db): () => void {
  if (!trx.isTransaction) throw new Error('a read cache lives only as long as the transaction it belongs to');
  caches.set(trx, new Map());
  return () => {
    caches.delete(trx);
  };
}

/** `read()`, or its value already read through the cache open on `db` under the same key. */
export function cachedRead<T>(db: Db, key: string, read: () => Promise<T>): Promise<T> {
  const cache = caches.get(db);
  if (!cache) return read();
  const hit = cache.get(key);
  if (hit) return hit as Promise<T>;
  const value = read().then(deepFreeze);
  cache.set(key, value);
  value.catch(() => cache.delete(key));
  return value;
}

/** Drops everything cached on `db` (a write to a cached table, an item rolled back). */
export function forgetCachedReads(db: Db): void {
  caches.get(db)?.clear();
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
