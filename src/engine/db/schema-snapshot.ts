import type SQLite from 'better-sqlite3';
import { DEFAULT_MIGRATION_TABLE } from 'kysely';
import { type Db, migrateToLatest, openDatabase, rawSqliteOf } from './database.js';
import { inTransaction } from './transaction.js';

/**
 * A new database as every migration leaves it, so that creating one is one transaction instead of the
 * Migrator running each migration in its own (~40 ms of a first start). The CLI's build captures it from
 * the migrations themselves (scripts/build-cli.mjs → dist/schema-snapshot.json), so it cannot miss one;
 * test/engine/schema-snapshot.test.ts checks that a database made from it equals a migrated one.
 */
export interface SchemaSnapshot {
  /** The migrations it holds, by name in the Migrator's order; recorded as run when it is applied. */
  migrations: string[];
  /** CREATE statements (tables first, then the rest, each in creation order), then the rows the migrations insert. */
  statements: string[];
}

/** The snapshot of what this version's migrations make of an empty database (in memory). */
export async function captureSchemaSnapshot(): Promise<SchemaSnapshot> {
  const opened = openDatabase({ path: ':memory:' });
  try {
    await migrateToLatest(opened.db);
    return snapshotOf(opened.sqlite);
  } finally {
    await opened.close();
  }
}

/** Reads the snapshot of a migrated database: its schema, every row but the migration table's, its migration names. */
export function snapshotOf(raw: SQLite.Database): SchemaSnapshot {
  // SQLite's own objects (sqlite_sequence, autoindexes) are made by the statements that need them.
  const objects = raw
    .prepare<[], { name: string; type: string; sql: string }>(
      "SELECT name, type, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type <> 'table', rowid",
    )
    .all();
  const rows = objects
    .filter((object) => object.type === 'table' && object.name !== DEFAULT_MIGRATION_TABLE)
    .flatMap((table) => insertsOf(raw, table.name));
  const migrations = raw.prepare<[], string>(`SELECT name FROM ${DEFAULT_MIGRATION_TABLE} ORDER BY name`).pluck().all();
  return { migrations, statements: [...objects.map((object) => object.sql), ...rows] };
}

/** One INSERT per row of `table`, its values written by SQLite's quote() so each keeps its exact type. */
function insertsOf(raw: SQLite.Database, table: string): string[] {
  const columns = raw.prepare<[string], string>('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(table).map(quoteName);
  const values = columns.map((column) => `quote(${column})`).join(" || ', ' || ");
  const prefix = `INSERT INTO ${quoteName(table)} (${columns.join(', ')}) VALUES (`;
  return raw
    .prepare<[], string>(`SELECT ${values} FROM ${quoteName(table)}`)
    .pluck()
    .all()
    .map((list) => `${prefix}${list})`);
}

const quoteName = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Creates the schema of a brand-new database (no table, index or anything else in it) from `snapshot`,
 * in one write transaction, and records its migrations as run at `recordedAt` (the engine clock's now). Returns false, changing nothing, for
 * any other database (it goes through the Migrator as always) or one this process cannot write.
 */
export async function createFromSnapshot(db: Db, snapshot: SchemaSnapshot, recordedAt: number): Promise<boolean> {
  const raw = rawSqliteOf(db);
  if (!raw || raw.readonly || !isEmpty(raw)) return false;
  return inTransaction(db, async () => {
    // Only this second look decides. The transaction began with BEGIN IMMEDIATE (write-lock.ts): while it
    // holds the write lock no other connection can commit, so a schema found empty here is still empty
    // when the snapshot commits. Of several processes opening one new file, the first to take the lock
    // creates it and the others find it made; a Migrator (another version) that got there first has
    // created its tables outside any transaction, so this finds them and leaves the file to the Migrator.
    if (!isEmpty(raw)) return false;
    raw.exec(snapshot.statements.join(';\n'));
    const record = raw.prepare(`INSERT INTO ${DEFAULT_MIGRATION_TABLE} (name, timestamp) VALUES (?, ?)`);
    // One time for all: the Migrator orders equal timestamps by name, the order they ran in.
    const at = new Date(recordedAt).toISOString();
    for (const name of snapshot.migrations) record.run(name, at);
    return true;
  });
}

function isEmpty(raw: SQLite.Database): boolean {
  return raw.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get() === undefined;
}
