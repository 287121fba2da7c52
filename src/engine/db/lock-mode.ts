import { AsyncLocalStorage } from 'node:async_hooks';

// Which form of the engine's write lock a PostgreSQL write transaction takes as it begins (db/postgres.ts).
//
// Every write takes the lock exclusive, one at a time, as on one SQLite file, unless it runs inside
// `asSharedWriter`. Shared holders run side by side with each other and never beside an exclusive holder,
// so everything an exclusive write relies on (the test clock, due work claimed once, catalogue rows, outbox
// sequences committed in order) is as it was: no exclusive write starts while a shared one is open, nor the
// reverse. A write may take the lock shared only when two such writes at once cannot break a rule:
//   - it only adds rows, each under a unique key the database itself enforces (two writers adding the same
//     key: the second waits for the first's commit and skips it, or fails and is retried);
//   - it writes no outbox event (webhook events must commit in sequence order) and nothing another shared
//     writer reads to decide.
// Usage ingestion is the one such write (usage/postgres-store.ts): a batch of events adds rows keyed by
// event_id, reads customers (which only exclusive writes change), and is stamped with the clock (which only an
// exclusive write moves). SQLite has one writer at a time whatever is asked, so there it changes nothing.
//
// Several processes: the mode lives in the async context of one call and is never stored; what it selects is
// a lock in the database, which every process on it takes.
const sharedWriters = new AsyncLocalStorage<true>();

/** Runs `work` so that the write transactions it begins take the engine's write lock shared (see above). */
export function asSharedWriter<T>(work: () => Promise<T>): Promise<T> {
  return sharedWriters.run(true, work);
}

/** Whether a write transaction begun here takes the write lock shared. */
export function inSharedWriter(): boolean {
  return sharedWriters.getStore() === true;
}
