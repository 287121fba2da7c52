// The end-to-end and browser tests run the built CLI (dist/cli.js). `npm test` (= vitest run) builds here,
// once, only when dist is missing or older than a file it is built from (src/, scripts/, package.json), so a
// fresh clone's `npm test` builds and CI, which built just before, does not build twice.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const cli = join(ROOT, 'dist', 'cli.js');
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'scripts')), statSync(join(ROOT, 'package.json')).mtimeMs);
  const fresh = existsSync(cli) && statSync(cli).mtimeMs >= sources;
  if (!fresh) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
}
