import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const ENTRIES = [
  'server.js',
  'demo.js',
  'version.js',
  'engine/index.js',
  'engine/db/database.js',
  'tools/catalog.js',
  'tools/index.js',
  'transports/http.js',
  'transports/stdio.js',
];
const ATTEMPTS = 5;
const RETRY_MS = 3000;

/** Imports a module of a build: `fromDist(dist, 'server.js')`. */
export const fromDist = (dist, path) => import(pathToFileURL(join(dist, path)).href);

/**
 * The build under test: a private copy of dist/ (with package.json beside it, which version.js reads), taken
 * once at start, because `npm test` and `npm run build` elsewhere in the tree delete and rewrite dist/ at any
 * time. It lives under .bench-tmp/ inside the repository so that its imports still resolve node_modules.
 * A copy that cannot load every entry point was taken mid-build and is taken again.
 */
export async function snapshotDist() {
  removeAbandonedSnapshots();
  for (let attempt = 1; ; attempt++) {
    // A fresh path per attempt: node caches a module that failed to load under its URL.
    const root = join(REPO, '.bench-tmp', `run-${process.pid}-${attempt}`);
    const dist = join(root, 'dist');
    try {
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root, { recursive: true });
      cpSync(join(REPO, 'dist'), dist, { recursive: true });
      cpSync(join(REPO, 'package.json'), join(root, 'package.json'));
      for (const entry of ENTRIES) if (!existsSync(join(dist, entry))) throw new Error(`dist/${entry} is missing`);
      await Promise.all(ENTRIES.map((entry) => fromDist(dist, entry)));
      return { dist, remove: () => rmSync(root, { recursive: true, force: true }) };
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      if (attempt === ATTEMPTS) {
        throw new Error(`could not copy a complete dist/ (${error.message}); run npm run build and try again`, { cause: error });
      }
      process.stderr.write(`bench: dist/ incomplete (${error.message}), probably being rebuilt; retrying in ${RETRY_MS / 1000} s\n`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Snapshots of runs that were interrupted: their process is gone. */
function removeAbandonedSnapshots() {
  const parent = join(REPO, '.bench-tmp');
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const pid = /^run-(\d+)-\d+$/.exec(name)?.[1];
    if (pid && !isRunning(Number(pid))) rmSync(join(parent, name), { recursive: true, force: true });
  }
}
