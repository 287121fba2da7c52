// What a database's schema and set-up rows are, for comparing two databases: every object in sqlite_master
// (but where it is stored), every row of every table, the header's version fields. The migration table
// gives its names only: the time a migration ran differs between two databases by nature.
import type SQLite from 'better-sqlite3';
import { DEFAULT_MIGRATION_TABLE } from 'kysely';

export interface SchemaDump {
  objects: { type: string; name: string; tbl_name: string; sql: string | null }[];
  rows: Record<string, string[]>;
  migrations: string[];
  userVersion: unknown;
  applicationId: unknown;
}

export function schemaDump(raw: SQLite.Database): SchemaDump {
  const objects = raw.prepare<[], SchemaDump['objects'][number]>('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all();
  const rows: Record<string, string[]> = {};
  for (const { name } of objects.filter((object) => object.type === 'table' && object.name !== DEFAULT_MIGRATION_TABLE)) {
    const columns = raw.prepare<[string], string>('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(name);
    const quoted = columns.map((column) => `quote("${column}")`).join(" || ', ' || ");
    rows[name] = raw.prepare<[], string>(`SELECT ${quoted} FROM "${name}"`).pluck().all().sort();
  }
  return {
    objects,
    rows,
    migrations: raw.prepare<[], string>(`SELECT name FROM ${DEFAULT_MIGRATION_TABLE} ORDER BY name`).pluck().all(),
    userVersion: raw.pragma('user_version', { simple: true }),
    applicationId: raw.pragma('application_id', { simple: true }),
  };
}
