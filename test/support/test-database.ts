import pg from 'pg';
import { type Db, openDatabase } from '../../src/engine/db/database.js';
import { openPostgresDatabase } from '../../src/engine/db/postgres.js';

/**
 * Which database the engine and tool tests run on: SQLite in memory (the default), or PostgreSQL when
 * BILLING_MCP_TEST_PG names a server (scripts/with-postgres.mjs starts a throwaway one: `npm run test:pg`).
 * The same tests run on both; a test that is about SQLite itself opens SQLite directly.
 */
export const TEST_POSTGRES_URL = process.env.BILLING_MCP_TEST_PG;

export const testDialect: 'sqlite' | 'postgres' = TEST_POSTGRES_URL ? 'postgres' : 'sqlite';

export interface TestDatabase {
  db: Db;
  /** After the engine on it closed: the database may be emptied and handed to a later test. */
  recycle: () => Promise<void>;
}

// One admin connection per test worker, for making and emptying schemas. Each engine gets a schema no other
// open engine uses, so tests running at once in several workers never see each other's rows or wait for each
// other's lock. Migrating a new schema costs ~250 ms; a schema whose engine has closed is emptied instead
// (~10 ms) and handed to the next test, with its migrations recorded. A test that never closes its engine
// never gives its schema back.
let admin: pg.Pool | undefined;
let made = 0;
const emptied: string[] = [];
let emptyingSql: string | undefined;

/** A fresh, empty database for one engine: a private SQLite in memory, or an empty PostgreSQL schema. */
export async function openTestDatabase(only?: 'sqlite'): Promise<TestDatabase> {
  if (!TEST_POSTGRES_URL || only === 'sqlite') return { db: openDatabase({ path: ':memory:' }).db, recycle: () => Promise.resolve() };
  admin ??= new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 1, allowExitOnIdle: true });
  let schema = emptied.pop();
  if (schema === undefined) {
    made += 1;
    schema = `test_${process.pid}_${made}`;
    await admin.query(`create schema ${schema}`);
  }
  const reused = schema;
  return {
    db: openPostgresDatabase({ url: TEST_POSTGRES_URL, schema, poolSize: 4 }).db,
    recycle: async () => {
      if (!admin) return;
      emptyingSql ??= await emptyingStatements(admin, reused);
      if (emptyingSql === '') return;
      await admin.query(`set search_path = ${reused}; ${emptyingSql}; reset search_path`);
      emptied.push(reused);
    },
  };
}

/** Empties every table but the migrations' own and puts identity counters and seeded rows back as migrated. */
async function emptyingStatements(pool: pg.Pool, schema: string): Promise<string> {
  const { rows } = await pool.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' and table_name not like 'kysely_migration%'`,
    [schema],
  );
  if (rows.length === 0) return '';
  const tables = rows.map((r) => r.table_name);
  return [
    `truncate ${tables.join(', ')} restart identity`,
    // Seeded by migration 0009.
    'insert into usage_staging_state (id, generation) values (1, 0)',
  ].join('; ');
}
