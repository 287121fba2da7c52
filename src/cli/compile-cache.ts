import module from 'node:module';

/** `module.enableCompileCache` exists from Node 22.1; @types/node 20 does not declare it. */
type CompileCacheModule = typeof module & { enableCompileCache?: () => unknown };

/**
 * Turns on Node's on-disk compile cache (Node 22.1+; a no-op on Node 20, which has none). Modules loaded
 * after this call are compiled once and their V8 code cache is reused by later starts: the CLI's modules
 * are compiled on every start otherwise (spawn → tools/list is mostly loading code).
 *
 * Where it lives: $NODE_COMPILE_CACHE when set, else `<os tmpdir>/node-compile-cache` (e.g.
 * /tmp/node-compile-cache), one subfolder per Node version. Why it is safe: an entry is used only when the
 * source's hash matches and the Node/V8 version and flags are the ones that wrote it, so an upgraded package
 * or Node recompiles instead of running stale code; a folder that cannot be written (a read-only
 * container) just leaves the cache off; NODE_DISABLE_COMPILE_CACHE=1 turns it off. It holds compiled code
 * only, never data, so nothing from the billing database reaches it.
 */
export function enableCompileCacheWhereAvailable(): void {
  // It does not throw: a cache it cannot set up is reported in its return value (status FAILED) and left off.
  (module as CompileCacheModule).enableCompileCache?.();
}
