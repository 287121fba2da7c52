// Rule under test: db/statement-cache.ts — a prepared statement is reused by SQL text; beyond the capacity
// the least recently used one is dropped (a reuse counts as a use); a busy (still iterating) statement is
// not handed out again.
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { withStatementCache } from '../../src/engine/db/statement-cache.js';

const opened: SQLite.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describe('statement cache', () => {
  test('reuse by text, least recently used evicted, busy statements not shared', () => {
    const sqlite = new SQLite(':memory:');
    opened.push(sqlite);
    const cache = withStatementCache(sqlite, 2);
    const a = cache.prepare('select 1');
    const b = cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(a);
    cache.prepare('select 3'); // over capacity: 'select 2' is the least recently used
    expect(cache.prepare('select 1')).toBe(a);
    expect(cache.prepare('select 2')).not.toBe(b);

    sqlite.exec('create table t (x integer); insert into t values (1), (2)');
    const scan = cache.prepare('select x from t');
    const rows = scan.iterate([]);
    rows.next();
    const second = cache.prepare('select x from t');
    expect(second).not.toBe(scan);
    expect(second.all([])).toEqual([{ x: 1 }, { x: 2 }]);
    rows.return?.();
  });
});
