import { type Kysely, PostgresAdapter, sql } from 'kysely';

// PostgreSQL: text compares byte by byte, as on SQLite (issue 17).
//
// A PostgreSQL database made with a language locale sorts text by that language's rules. The official
// postgres image defaults to en_US.utf8, and an ICU 'en-US' database behaves the same way: there 'cus_a'
// sorts before 'cus_B' and '-' is skipped on the first pass. SQLite compares bytes (BINARY), so 'cus_B'
// (0x42) comes before 'cus_a' (0x61).
//
// Lists sort by (created_at, id). Under a frozen test clock many rows share a created_at, so the same calls
// listed rows in one order on SQLite and in another on such a database.
//
// This migration gives every text column of the engine's tables the "C" collation, which is byte order.
// PostgreSQL rebuilds each column's indexes under it. Index comparisons then become memcmp rather than a
// locale lookup. On a database that is already C this changes no order; it only records the collation.
//
// A later migration that adds a text column on PostgreSQL must say COLLATE "C" too;
// test/postgres/migrations.test.ts fails on any text column without it. SQLite: nothing to do.
// Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  const { rows } = await sql<{ table_name: string; column_name: string }>`SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'
      AND table_name NOT LIKE 'kysely\\_%'
    ORDER BY table_name, ordinal_position`.execute(db);
  for (const { table_name, column_name } of rows) {
    await sql`ALTER TABLE ${sql.id(table_name)} ALTER COLUMN ${sql.id(column_name)} TYPE text COLLATE "C"`.execute(db);
  }
}
