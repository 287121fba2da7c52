// ESLint for billing-mcp: typescript-eslint's strict type-checked rules (every .ts file is in tsconfig.json's
// program), the layer rule of ARCHITECTURE.md written as eslint-plugin-boundaries policies, and import-x's
// cycle check. Formatting is Prettier's job (`npm run format:check`), so no rule here is about layout.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import boundaries from 'eslint-plugin-boundaries';
import { importX } from 'eslint-plugin-import-x';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Severity of the engine's domain rule: a domain folder makes no VALUE import from another domain folder,
 * and the shared kernel makes none from any domain (type imports are fine; a domain reaches another through
 * the Scope). It is its own rule (`engine-domains/dependencies`) so that it can be set apart from the layer
 * rule while the engine is being moved onto the Scope; it is meant to stay 'error'.
 */
export const ENGINE_DOMAIN_RULE_SEVERITY = 'error';

// The shared kernel every domain may import (the Scope only as a type). A pure rule that several domains
// need moves down into one of these folders.
const KERNEL_FOLDERS = ['shared', 'db', 'events', 'pricing', 'proration', 'rules'];
const KERNEL_FILES = ['clock', 'errors', 'money', 'ids', 'calendar', 'context'];

const ENTRY_ONLY = 'outside src/engine, import the engine only through src/engine/index.ts (types too): re-export what you need there';

/**
 * Where each file sits in the layers. Folders are elements; the files directly in src/ and src/engine/ are
 * told apart by file category. Order matters: a file takes the first element and the first category that
 * match it.
 */
const layerSettings = {
  'boundaries/elements': [
    { type: 'migrations', pattern: 'src/engine/db/migrations', partialMatch: false },
    { type: 'kernel', pattern: `src/engine/{${KERNEL_FOLDERS.join(',')}}`, partialMatch: false },
    { type: 'domain', pattern: 'src/engine/*', capture: ['domain'], partialMatch: false },
    { type: 'engine-root', pattern: 'src/engine', partialMatch: false },
    { type: 'tools', pattern: 'src/tools', partialMatch: false },
    { type: 'web', pattern: 'src/web', partialMatch: false },
    { type: 'transports', pattern: 'src/transports', partialMatch: false },
    { type: 'cli', pattern: 'src/cli', partialMatch: false },
    { type: 'src-root', pattern: 'src', partialMatch: false },
  ],
  'boundaries/files': [
    { category: 'engine-entry', pattern: 'src/engine/index.ts' },
    { category: 'scope', pattern: 'src/engine/scope.ts' },
    { category: 'kernel', pattern: `src/engine/{${KERNEL_FILES.join(',')}}.ts` },
    { category: 'server', pattern: 'src/{server,catalog-server}.ts' },
    { category: 'cli', pattern: 'src/{cli,demo}.ts' },
    { category: 'library', pattern: 'src/index.ts' },
    { category: 'version', pattern: 'src/version.ts' },
  ],
  'boundaries/files-single-match': true,
  'boundaries/include': ['src/**/*.ts'],
  'boundaries/legacy-templates': false,
};

const element = (type) => ({ element: { type } });
const category = (name) => ({ file: { categories: name } });
const kernel = [element('kernel'), category('kernel')];
const entry = category('engine-entry');
const version = category('version');

/** transports → server → tools / web → src/engine/index.ts → domains → kernel; nothing points back up. */
const layerPolicies = [
  // Inside one element (a domain folder, tools, web …) files import each other freely.
  // The files directly in src/ and src/engine/ are one element each, so among them the categories decide.
  {
    from: ['migrations', 'kernel', 'domain', 'tools', 'web', 'transports', 'cli'].map(element),
    allow: { dependency: { relationship: { to: 'internal' } } },
  },
  { from: kernel, allow: { to: [...kernel, element('migrations'), element('domain')] } },
  { from: element('migrations'), allow: { to: element('migrations') } },
  // Value imports between domains are engine-domains' business, below.
  { from: element('domain'), allow: { to: [...kernel, element('domain')] } },
  { from: element('domain'), allow: { to: category('scope'), dependency: { kind: 'type' } } },
  { from: [entry, category('scope')], allow: { to: [...kernel, element('domain'), category('scope')] } },
  { from: element('tools'), allow: { to: [entry, version] } },
  { from: element('web'), allow: { to: [entry, version] } },
  { from: category('server'), allow: { to: [element('tools'), element('web'), entry, version, category('server')] } },
  { from: element('transports'), allow: { to: [category('server'), element('tools'), element('web'), entry, version] } },
  {
    from: [element('cli'), category('cli')],
    allow: {
      to: [element('cli'), category('cli'), element('transports'), category('server'), element('tools'), element('web'), entry, version],
    },
  },
  { from: category('library'), allow: { to: [category('server'), element('tools'), entry, version] } },
  // The mistakes a newcomer makes most, named: later policies win, so these only add the message.
  {
    from: [element('domain'), ...kernel],
    disallow: { to: entry },
    message: 'src/engine/index.ts composes the engine: nothing inside the engine imports it',
  },
  {
    from: [element('tools'), element('web'), element('transports'), element('cli'), category('cli'), category('server'), category('library')],
    disallow: { to: [element('kernel'), element('domain'), element('migrations'), category('kernel'), category('scope')] },
    message: ENTRY_ONLY,
  },
  {
    from: element('migrations'),
    disallow: { to: { element: { type: '!migrations' } } },
    message: 'a migration is frozen: it imports nothing from the engine (or anything else); copy what it needs into it',
  },
];

/** No value import across domains, nor from the kernel into a domain (ENGINE_DOMAIN_RULE_SEVERITY). */
const domainPolicies = [
  {
    from: element('domain'),
    disallow: {
      to: { element: { type: 'domain', captured: { domain: '!{{ from.element.captured.domain }}' } } },
      dependency: { kind: 'value' },
    },
    message: 'a domain makes no value import from another domain: ask that domain through the Scope, or move a pure rule to the kernel',
  },
  {
    from: kernel,
    disallow: { to: element('domain'), dependency: { kind: 'value' } },
    message: 'the kernel makes no value import from a domain: move the rule down into the kernel',
  },
];

export default defineConfig([
  globalIgnores(['dist/', 'coverage/', 'test-output/', 'bench/results/', '.bench-tmp/']),
  js.configs.recommended,
  {
    name: 'billing-mcp/all',
    rules: {
      // `let x; … x = new X(() => x…)`: a closure that reads the variable before its one assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    name: 'billing-mcp/typescript',
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Async correctness: a billing write that is not awaited is a charge that may not happen.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // A new status, interval or event type must be handled wherever one is switched on; a `default` branch
      // is an explicit catch-all (error codes to HTTP statuses), so it counts as handling the rest.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      // `import type` for types: the layer rule tells type imports from value imports by it.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Amounts and counts in messages are integers; objects and nullish values still need a choice.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Validators check untrusted input whose static type is narrower than what arrives (tool arguments,
      // form posts, stored JSON); this rule would ask to delete those checks.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Repos coerce with Number(): PostgreSQL's driver returns BIGINT and NUMERIC as strings while the
      // Kysely row types say number, and the repos stay portable to it (DESIGN.md, Storage).
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
      // An async function without await is deliberate: what it throws becomes a rejection, as callers expect.
      '@typescript-eslint/require-await': 'off',
      // [...text] counts a string's code points, which is how the API's length limits ("≤ 100 characters")
      // are checked (shared/text.ts); spreads of promises, maps or instances into objects stay errors.
      '@typescript-eslint/no-misused-spread': ['error', { allow: ['string'] }],
      // Layout, which Prettier owns.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // The catalog server is the SDK's low-level Server on purpose (src/catalog-server.ts), and legacy SSE
      // is served for older clients (DESIGN.md, Transports).
      '@typescript-eslint/no-deprecated': [
        'error',
        {
          allow: [
            {
              from: 'package',
              package: '@modelcontextprotocol/sdk',
              name: ['Server', 'SSEServerTransport', 'SSEClientTransport'],
            },
          ],
        },
      ],
    },
  },
  {
    name: 'billing-mcp/tests',
    files: ['test/**/*.ts'],
    rules: {
      // A test asserts what it just read; `!` after an expect is the assertion, not a guess.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // vitest's asymmetric matchers (expect.any, expect.stringMatching …) are typed `any` so that they fit
      // any field of an expected object.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      // `content<T>(result)` style helpers are a test's typed reading of a tool result.
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
    },
  },
  {
    name: 'billing-mcp/javascript',
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    name: 'billing-mcp/engine',
    files: ['src/engine/**/*.ts'],
    rules: {
      // The engine knows nothing of MCP or HTTP (DESIGN.md, Layout).
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@modelcontextprotocol/*'], message: 'the engine knows nothing of MCP: the tools layer maps to it' },
            { group: ['express', 'express-*'], message: 'the engine knows nothing of HTTP: src/web and src/transports do' },
          ],
        },
      ],
    },
  },
  {
    name: 'billing-mcp/engine-time',
    files: ['src/engine/**/*.ts'],
    // systemClock is the one reader of real time; everything else asks the Clock it was given.
    ignores: ['src/engine/clock.ts'],
    rules: {
      // Time comes from the injected Clock (DESIGN.md, Engine principles).
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'the engine reads time from its injected Clock (ctx.clock.now()), never Date.now()',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'the engine reads time from its injected Clock; new Date() needs an instant',
        },
      ],
    },
  },
  {
    name: 'billing-mcp/layers',
    files: ['src/**/*.ts'],
    plugins: { boundaries, 'engine-domains': boundaries, 'import-x': importX },
    settings: {
      ...layerSettings,
      'import/resolver': { typescript: { project: 'tsconfig.json' } },
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', checkInternals: true, policies: layerPolicies }],
      'engine-domains/dependencies': [ENGINE_DOMAIN_RULE_SEVERITY, { default: 'allow', policies: domainPolicies }],
      // Type-only cycles are allowed: they vanish at run time and let two domains name each other's rows.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
]);
