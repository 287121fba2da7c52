// Builds the CLI that package.json's `bin` runs, after `tsc -p tsconfig.build.json` has built the library
// (dist/index.js and the modules it imports; the bench imports those too). `npm run build` runs both.
//
// 1. dist/cli-tools.json: every tool of ALL_TOOLS described from the tsc output of the same sources (name,
//    resource, operation, title, description, annotations and its tools/list entry), so the CLI selects
//    and lists tools without loading their modules or converting 100 zod schemas (src/cli/deferred-tools.ts).
// 2. dist/schema-snapshot.json: the schema every migration leaves in an empty database, with the rows they
//    insert, captured from the tsc output of the same migrations, so the CLI creates a new database in one
//    transaction instead of running each migration (src/engine/db/schema-snapshot.ts, src/cli/prebuilt-schema.ts).
// 3. dist/cli.js: src/cli.ts bundled by esbuild for Node 20+, ESM. Split at its dynamic imports into
//    dist/cli-*.js chunks, so each path loads only what it needs: --version the entry and the option parser,
//    stdio the engine and the SDK, and only --transport http the express stack. The chunks sit beside
//    cli.js, one folder below package.json, where src/version.ts reads it. better-sqlite3 stays external:
//    it loads a native binding built for the user's Node at install time.
import { chmodSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const fromDist = (path) => import(pathToFileURL(join(DIST, path)).href);

// The names src/cli/deferred-tools.ts and src/cli/prebuilt-schema.ts read (PREBUILT_TOOLS_FILE,
// SCHEMA_SNAPSHOT_FILE); test/e2e/cli-bundle.test.ts checks they agree.
const TOOLS_FILE = 'cli-tools.json';
const SCHEMA_FILE = 'schema-snapshot.json';

const [{ ALL_TOOLS }, { toListEntry }] = await Promise.all([fromDist('tools/index.js'), fromDist('tools/catalog.js')]);
const described = ALL_TOOLS.map((tool) => ({
  name: tool.name,
  resource: tool.resource,
  operation: tool.operation,
  title: tool.title,
  description: tool.description,
  annotations: tool.annotations,
  listEntry: toListEntry(tool),
}));
writeFileSync(join(DIST, TOOLS_FILE), JSON.stringify(described));

const { captureSchemaSnapshot } = await fromDist('engine/db/schema-snapshot.js');
writeFileSync(join(DIST, SCHEMA_FILE), JSON.stringify(await captureSchemaSnapshot()));

/**
 * zod's `z.locales` holds its error messages in 40 languages (366 KB of the bundle, a fifth of what a stdio
 * start parses); this server only ever uses English, which zod sets itself (classic/schemas.js imports
 * locales/en.js directly). The bundle's `z.locales` keeps `en` alone: z.locales.en() still works,
 * z.locales.de is undefined.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * The SDK's ajv-provider imports ajv and ajv-formats at the top (~150 KB of code run at every start, ~7 ms on
 * Node 22), for a validator the SDK's Server only uses on elicitation answers, which this server never asks
 * for (src/catalog-server.ts builds even the validator on first use). Here the two imports become requires
 * inside the functions that use them: esbuild then runs the two packages' code on that first use only. The
 * build fails if the SDK's lines change, rather than bundling them unchanged.
 */
const ajvOnFirstUse = {
  name: 'ajv-on-first-use',
  setup(build) {
    build.onLoad({ filter: /[\\/]@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/]validation[\\/]ajv-provider\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const imports = "import Ajv from 'ajv';\nimport _addFormats from 'ajv-formats';\n";
      if (!source.includes(imports)) throw new Error(`${args.path}: its ajv imports changed; update ajvOnFirstUse in scripts/build-cli.mjs`);
      const lazy =
        "const Ajv = function (options) { return new (require('ajv').default)(options); };\n" +
        "const _addFormats = (ajv, options) => require('ajv-formats').default(ajv, options);\n";
      return { contents: source.replace(imports, lazy), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

const { metafile } = await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: DIST,
  chunkNames: 'cli-[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // pg-native: pg's optional libpq binding, required only through `pg.native`, which the engine never uses.
  external: ['better-sqlite3', 'pg-native'],
  plugins: [zodEnglishOnly, ajvOnFirstUse],
  // Whitespace and syntax only: a third less to read and parse at every start; names stay readable in
  // stack traces (dist/cli-*.js:1:<column>, mapped back to src/ by the source maps).
  minifyWhitespace: true,
  minifySyntax: true,
  // Bundled CommonJS packages (express, ajv) call require() for Node's built-ins; an ES module has none.
  banner: {
    js: "import { createRequire as __billingMcpCreateRequire } from 'node:module';\nconst require = __billingMcpCreateRequire(import.meta.url);",
  },
  // Not shipped (package.json `files`); `node --enable-source-maps dist/cli.js` maps stacks to src/.
  sourcemap: 'linked',
  // What each output file holds and imports; test/e2e/cli-bundle.test.ts reads it. Not shipped either.
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(join(DIST, 'cli.meta.json'), JSON.stringify(metafile));
chmodSync(join(DIST, 'cli.js'), 0o755);
