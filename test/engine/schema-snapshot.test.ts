// Rule under test (issue 14): a brand-new database gets its schema from the snapshot of every migration in
// one transaction, and ends up exactly as the migrations would have left it (objects, their SQL, the rows
// migrations insert, the migration table's names), so the Migrator finds nothing to do afterwards. A
// database that has any table goes through the Migrator. Connections creating one new file at once: one
// creates it, the others find it made.
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migrateToLatest, openDatabase, type OpenedDatabase, pendingMigrations } from '../../src/engine/db/database.js';
import { migrationProvider } from '../../src/engine/db/migrations/index.js';
import { captureSchemaSnapshot, createFromSnapshot, type SchemaSnapshot } from '../../src/engine/db/schema-snapshot.js';
import { createEngine } from '../../src/engine/index.js';
import { tempDir } from '../support/cli-process.js';
import { type SchemaDump, schemaDump } from '../support/schema-dump.js';

/**
 * A dump without the rows createEngine's set-up writes (business, brand, settings): only the rows of tables
 * the migrations fill. The reference was only migrated.
 */
const withoutSetUp = (dump: SchemaDump): SchemaDump => ({
  ...dump,
  rows: Object.fromEntries(Object.entries(dump.rows).map(([table, rows]) => [table, migrated.rows[table]?.length ? rows : []])),
});

let dir: Awaited<ReturnType<typeof tempDir>>;
const opened: OpenedDatabase[] = [];
const open = (name: string): OpenedDatabase => {
  const db = openDatabase({ path: join(dir.path, name) });
  opened.push(db);
  return db;
};

let snapshot: SchemaSnapshot;
let migrated: SchemaDump;
beforeEach(async () => {
  dir = await tempDir();
  snapshot = await captureSchemaSnapshot();
  // The reference: a file (as the CLI's) that the Migrator took through every migration.
  const reference = open('migrated.db');
  await migrateToLatest(reference.db);
  migrated = schemaDump(reference.sqlite);
});
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
  await dir.remove();
});

describe('the schema snapshot', () => {
  test('holds every migration, and a new database made from it equals one the migrations made', async () => {
    expect(snapshot.migrations).toEqual(Object.keys(await migrationProvider.getMigrations()).sort());
    const fresh = open('fresh.db');
    expect(await createFromSnapshot(fresh.db, snapshot, Date.now())).toBe(true);
    const dump = schemaDump(fresh.sqlite);
    expect(dump).toEqual(migrated);
    // The migrations insert rows too (the migration lock, the usage staging state): the test sees them.
    expect(Object.values(dump.rows).flat().length).toBeGreaterThan(0);
    expect(await pendingMigrations(fresh.db)).toEqual([]);
  });

  test('the Migrator, and a version with one more migration, take a database made from it as migrated', async () => {
    const fresh = open('fresh.db');
    await createFromSnapshot(fresh.db, snapshot, Date.now());
    const { results } = await new Migrator({ db: fresh.db, provider: migrationProvider }).migrateToLatest();
    expect(results).toEqual([]);
    const next = { ...(await migrationProvider.getMigrations()), '9999-next': { up: async () => undefined } };
    const pending = await new Migrator({ db: fresh.db, provider: { getMigrations: async () => next } }).getMigrations();
    expect(pending.filter((m) => m.executedAt === undefined).map((m) => m.name)).toEqual(['9999-next']);
  });

  test('a database with any table is left to the Migrator, which finishes it the same', async () => {
    const partial = open('partial.db');
    await new Migrator({ db: partial.db, provider: migrationProvider }).migrateTo('0001-foundation');
    const before = schemaDump(partial.sqlite);
    expect(await createFromSnapshot(partial.db, snapshot, Date.now())).toBe(false);
    expect(schemaDump(partial.sqlite)).toEqual(before);

    await createEngine({ db: partial.db, schemaSnapshot: snapshot });
    expect(withoutSetUp(schemaDump(partial.sqlite))).toEqual(migrated);
  });

  test('several connections creating one new file at once: one creates it, every engine opens on it', async () => {
    const connections = [1, 2, 3, 4].map(() => open('shared.db'));
    const created = await Promise.all(connections.map((c) => createFromSnapshot(c.db, snapshot, Date.now())));
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(schemaDump(connections[0]!.sqlite)).toEqual(migrated);

    const others = [1, 2, 3].map(() => open('shared-engines.db'));
    const engines = await Promise.all(others.map((c) => createEngine({ db: c.db, schemaSnapshot: snapshot })));
    expect(new Set(engines.map((engine) => engine.ctx.businessId)).size).toBe(1);
    expect(withoutSetUp(schemaDump(others[0]!.sqlite))).toEqual(migrated);
  });

  test('a read-only connection changes nothing', async () => {
    open('empty.db');
    const readonly = openDatabase({ path: join(dir.path, 'empty.db'), readonly: true });
    opened.push(readonly);
    expect(await createFromSnapshot(readonly.db, snapshot, Date.now())).toBe(false);
    expect(readonly.sqlite.prepare('SELECT count(*) FROM sqlite_master').pluck().get()).toBe(0);
  });
});
