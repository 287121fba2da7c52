import { type Kysely, PostgresAdapter, sql } from 'kysely';

// PostgreSQL: text and whole numbers behave as on SQLite (issue 17).
//
// Text compares byte by byte. A PostgreSQL database made with a language locale sorts text by that
// language's rules: the official postgres image defaults to en_US.utf8, and an ICU 'en-US' database behaves
// the same way. There 'prd_a' sorts before 'prd_B' and '-' is skipped on the first pass. SQLite compares
// bytes (BINARY), so 'prd_B' (0x42) comes before 'prd_a' (0x61). Lists sort by (created_at, id), and under
// a frozen test clock many rows share a created_at, so the same calls listed rows in one order on SQLite
// and in another on such a database. Every text column gets the "C" collation, which is byte order;
// PostgreSQL rebuilds its indexes under it, and their comparisons become memcmp rather than a locale lookup.
//
// Whole numbers are 64-bit. SQLite's INTEGER holds 64 bits, and PostgreSQL's integer holds 32. A discount
// with usage_limit 2147483648 was stored on SQLite and failed on PostgreSQL with "out of range for type
// integer" (an internal error). Every integer column becomes bigint, which the engine reads as a number,
// like every other bigint. Tools accept no whole number above 2^53 - 1, so nothing reaches the new limit.
//
// Each table is altered in one statement (one rewrite). A later migration that adds a column on PostgreSQL
// must give text COLLATE "C" and whole numbers bigint; test/postgres/parity.test.ts fails on any column that
// does not. SQLite: nothing to do. Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`SELECT table_name, column_name, data_type
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name NOT LIKE 'kysely\\_%'
      AND ((data_type = 'text' AND collation_name IS DISTINCT FROM 'C') OR data_type IN ('integer', 'smallint'))
    ORDER BY table_name, ordinal_position`.execute(db);
  const byTable = new Map<string, typeof rows>();
  for (const row of rows) byTable.set(row.table_name, [...(byTable.get(row.table_name) ?? []), row]);
  for (const [table, columns] of byTable) {
    const changes = columns.map(
      (c) => sql`ALTER COLUMN ${sql.id(c.column_name)} TYPE ${sql.raw(c.data_type === 'text' ? 'text COLLATE "C"' : 'bigint')}`,
    );
    await sql`ALTER TABLE ${sql.id(table)} ${sql.join(changes)}`.execute(db);
  }
}
