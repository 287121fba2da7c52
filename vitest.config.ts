import { defineConfig } from 'vitest/config';

const shared = { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' as const };

// Three projects: `unit` runs the engine and tools from source and needs no build; `e2e` runs the built CLI
// and package (dist/), and `browser` drives the built CLI's pages in headless Chromium (Debian's package, see
// test/browser/support/browser.ts), so those two have the global set-up that builds when dist is stale.
export default defineConfig({
  test: {
    projects: [
      // Unit files share their worker's modules (isolate: false): importing and warming the engine and the 102
      // tools anew for every file took most of the project's time. Each test still opens its own engine on a
      // fresh database. Module state in src is code or per connection (ARCHITECTURE.md), so it holds for any
      // number of engines in one process; test/support keeps compiled schemas and a counter for unique emails.
      {
        test: {
          name: 'unit',
          include: [
            'test/engine/**/*.test.ts',
            'test/tools/**/*.test.ts',
            'test/cli/**/*.test.ts',
            'test/transports/**/*.test.ts',
            'test/web/**/*.test.ts',
          ],
          ...shared,
          isolate: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/readme.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          ...shared,
        },
      },
      // PostgreSQL's own tests (migrations, replicas), run with the unit project on PostgreSQL by `npm run test:pg`
      // (scripts/with-postgres.mjs starts a throwaway server and sets BILLING_MCP_TEST_PG); without a server
      // the project does not exist, so `npm test` runs everything else on SQLite.
      ...(process.env.BILLING_MCP_TEST_PG
        ? [
            {
              test: {
                name: 'postgres',
                include: ['test/postgres/**/*.test.ts'],
                globalSetup: ['test/support/global-setup.ts'],
                ...shared,
              },
            },
          ]
        : []),
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          ...shared,
        },
      },
    ],
  },
});
