// Rule under test (issue 16): the layers of ARCHITECTURE.md are checked by `npm run lint`. Tools and pages import
// the engine only through src/engine/index.ts (types too), a migration imports nothing from the engine, the engine
// imports neither the MCP SDK nor express, and a domain makes no value import from another domain. Each case lints
// a few lines of source as if they were a file at the given path, with the project's own eslint.config.js.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let eslint: ESLint;
beforeAll(() => {
  // The layer rules read imports, not types, so the cases run without the type-checked program; the cycle
  // check, which parses every module a file reaches, has no case here.
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }, { rules: { 'import-x/no-cycle': 'off' } }],
  });
});

/** The rule ids (and messages) that lint reports for `code` placed at `filePath`, import rules only. */
async function importFindings(filePath: string, code: string): Promise<Array<{ rule: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === null || /^(boundaries|engine-domains)\/|no-restricted-imports$/.test(m.ruleId))
    .map((m) => ({ rule: m.ruleId, message: m.message }));
}

describe('tools and web import the engine through its entry point', () => {
  test('a tool importing a domain repo is refused', async () => {
    const findings = await importFindings(
      'src/tools/products/fixture.ts',
      "import { findProduct } from '../../engine/products/repo.js';\nexport const use = findProduct;\n",
    );
    expect(findings).toEqual([{ rule: 'boundaries/dependencies', message: expect.stringContaining('only through src/engine/index.ts') as string }]);
  });

  test('a type import from a domain is refused too: the entry point re-exports the type', async () => {
    const findings = await importFindings(
      'src/web/portal/fixture.ts',
      "import type { Customer } from '../../engine/customers/types.js';\nexport type C = Customer;\n",
    );
    expect(findings.map((f) => f.rule)).toEqual(['boundaries/dependencies']);
  });

  test('the same names through src/engine/index.ts pass', async () => {
    const code = "import { BillingError, type Customer } from '../../engine/index.js';\nexport type C = Customer;\nexport const E = BillingError;\n";
    expect(await importFindings('src/web/portal/fixture.ts', code)).toEqual([]);
  });

  test('the engine entry point may not import a tool', async () => {
    const findings = await importFindings('src/engine/fixture.ts', "import { ALL_TOOLS } from '../tools/index.js';\nexport const all = ALL_TOOLS;\n");
    expect(findings.map((f) => f.rule)).toContain('boundaries/dependencies');
  });
});

describe('migrations are frozen', () => {
  test('a migration importing a domain is refused', async () => {
    const findings = await importFindings(
      'src/engine/db/migrations/9999-fixture.ts',
      "import { MAX_EVENTS_PER_BATCH } from '../../usage/types.js';\nexport const max = MAX_EVENTS_PER_BATCH;\n",
    );
    expect(findings).toEqual([{ rule: 'boundaries/dependencies', message: expect.stringContaining('a migration is frozen') as string }]);
  });

  test('a migration importing the kernel is refused as well', async () => {
    const findings = await importFindings(
      'src/engine/db/migrations/9999-fixture.ts',
      "import { iso } from '../../clock.js';\nexport const at = iso;\n",
    );
    expect(findings.map((f) => f.rule)).toEqual(['boundaries/dependencies']);
  });
});

describe('inside the engine', () => {
  test('the engine imports neither the MCP SDK nor express', async () => {
    const code =
      "import type { Tool } from '@modelcontextprotocol/sdk/types.js';\nimport express from 'express';\nexport type T = Tool;\nexport const e = express;\n";
    const findings = await importFindings('src/engine/products/fixture.ts', code);
    expect(findings.map((f) => f.rule)).toEqual(['@typescript-eslint/no-restricted-imports', '@typescript-eslint/no-restricted-imports']);
  });

  test('a domain makes no value import from another domain, and may import its types', async () => {
    const value = await importFindings(
      'src/engine/payments/fixture.ts',
      "import { LICENSE_KEY_STATUSES } from '../licenses/types.js';\nexport const s = LICENSE_KEY_STATUSES;\n",
    );
    expect(value.map((f) => f.rule)).toEqual(['engine-domains/dependencies']);
    const typeOnly = await importFindings(
      'src/engine/payments/fixture.ts',
      "import type { LicenseKey } from '../licenses/types.js';\nexport type K = LicenseKey;\n",
    );
    expect(typeOnly).toEqual([]);
  });

  test('the kernel does not import the entry point, though both sit directly in src/engine', async () => {
    const findings = await importFindings('src/engine/calendar.ts', "import { createEngine } from './index.js';\nexport const c = createEngine;\n");
    expect(findings.map((f) => f.rule)).toEqual(['boundaries/dependencies']);
  });

  test('a domain imports its own folder and the kernel freely', async () => {
    const code =
      "import { percentOf } from '../money.js';\nimport { pageOf } from '../shared/paging.js';\nimport { findPayment } from './repo.js';\nexport const f = [percentOf, pageOf, findPayment];\n";
    expect(await importFindings('src/engine/payments/fixture.ts', code)).toEqual([]);
  });
});
