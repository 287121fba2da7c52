// The end-to-end tests run the built CLI (dist/cli.js). `npm test` builds first; a direct `vitest run`
// builds here, once, only when dist is missing or older than a file in src.
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
  const fresh = existsSync(cli) && statSync(cli).mtimeMs >= newestMtime(join(ROOT, 'src'));
  if (!fresh) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
}
