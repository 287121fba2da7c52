#!/usr/bin/env node
// The bin entry (bundled into dist/cli.js by scripts/build-cli.mjs). It only turns on Node's compile cache
// and then loads the CLI: a module compiled before enableCompileCache is not cached, so everything else is
// imported after that call.
import { enableCompileCacheWhereAvailable } from './cli/compile-cache.js';

enableCompileCacheWhereAvailable();
await import('./cli/main.js');
