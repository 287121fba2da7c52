// Preload (node --import) that lets @modelcontextprotocol/conformance run on Node 20: it imports
// `globSync` from 'fs', which Node adds only in 22. Named exports of a builtin are fixed when it first
// loads, so assigning fs.globSync is not enough; a resolve hook points the package's 'fs' import at a
// module that re-exports node:fs plus globSync from the `glob` package. No-op on Node 22+.
import fs from 'node:fs';
import { register } from 'node:module';

if (typeof fs.globSync !== 'function') register('./fs-glob-hooks.mjs', import.meta.url);
