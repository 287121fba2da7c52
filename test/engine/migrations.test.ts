// Rule under test (issue 14): a database whose migration table lists exactly this version's migrations is
// taken as migrated after one read, without the Migrator (and its lock table); a new database, or one that
// records a migration this version does not know, goes through the Migrator, which migrates or refuses.
import { afterEach, describe, expect, test } from 'vitest';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../../src/engine/db/database.js';
import { migrationProvider } from '../../src/engine/db/migrations/index.js';

let opened: OpenedDatabase | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

const tableNames = (db: OpenedDatabase): unknown[] =>
  db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'kysely_migration%' ORDER BY name").pluck().all();

describe('migrateToLatest', () => {
  test('migrates a new database, then finds it migrated without the Migrator', async () => {
    opened = openDatabase({ path: ':memory:' });
    await migrateToLatest(opened.db);
    const recorded = opened.sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all();
    expect(recorded).toEqual(Object.keys(await migrationProvider.getMigrations()).sort());
    expect(tableNames(opened)).toEqual(['kysely_migration', 'kysely_migration_lock']);

    // The Migrator creates its lock table whenever it runs: still gone means it did not run.
    opened.sqlite.exec('DROP TABLE kysely_migration_lock');
    await migrateToLatest(opened.db);
    expect(tableNames(opened)).toEqual(['kysely_migration']);
  });

  test('a migration this version does not know goes to the Migrator, which refuses the database as before', async () => {
    opened = openDatabase({ path: ':memory:' });
    await migrateToLatest(opened.db);
    opened.sqlite.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run('9999-from-a-newer-version', new Date().toISOString());
    await expect(migrateToLatest(opened.db)).rejects.toThrow(/9999-from-a-newer-version/);
  });
});
