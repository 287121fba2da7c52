// Rule under test (issue 13): the database holds webhook secrets, custom header values and license keys, so
// a folder the engine creates for it is 0700 and the database file it creates is 0600 (SQLite gives the
// -wal and -shm files the database file's mode); a folder or file that already exists keeps its mode.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../src/engine/db/database.js';
import { createEngine } from '../../src/engine/index.js';
import { tempDir } from '../support/cli-process.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

async function openAndWrite(path: string): Promise<void> {
  const { db } = openDatabase({ path });
  const engine = await createEngine({ db });
  await engine.customers.create({ email: 'modes@example.com', name: 'Modes' });
  // -wal and -shm exist while the connection is open.
  expect([modeOf(`${path}-wal`), modeOf(`${path}-shm`)]).toEqual([modeOf(path), modeOf(path)]);
  await engine.close();
}

describe.skipIf(process.platform === 'win32')('database file modes', () => {
  test('created: folders 0700, the database and its -wal and -shm 0600', async () => {
    const path = join(dir.path, 'new', 'nested', 'billing.db');
    await openAndWrite(path);
    expect([modeOf(join(dir.path, 'new')), modeOf(join(dir.path, 'new', 'nested')), modeOf(path)]).toEqual(['700', '700', '600']);
  });

  test('existing: a 0755 folder and a 0644 file keep their modes', async () => {
    const folder = join(dir.path, 'shared');
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    const path = join(folder, 'billing.db');
    closeSync(openSync(path, 'a'));
    chmodSync(path, 0o644);
    await openAndWrite(path);
    expect([modeOf(folder), modeOf(path)]).toEqual(['755', '644']);
  });
});
