import { readFileSync } from 'node:fs';
import type { SchemaSnapshot } from '../engine/index.js';

/** Written beside the bundle by scripts/build-cli.mjs; test/e2e/cli-bundle.test.ts checks both names agree. */
export const SCHEMA_SNAPSHOT_FILE = 'schema-snapshot.json';

/**
 * The schema a new database gets, as the build captured it from the migrations (dist/schema-snapshot.json,
 * read from the folder of the bundle file running this), or undefined without the file (a run from
 * source): a new database is then migrated one migration at a time, with the same result.
 */
export function readSchemaSnapshot(): SchemaSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(new URL(`./${SCHEMA_SNAPSHOT_FILE}`, import.meta.url), 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  // Our own build wrote it from these sources' migrations, so it is trusted as it is, like the code beside it.
  return JSON.parse(text) as SchemaSnapshot;
}
