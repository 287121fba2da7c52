// Rule under test: SPEC §1.18 brands — the primary brand is not editable through the brands API
// (UNABLE_TO_EDIT_PRIMARY_BRAND); a statement descriptor is 5–22 characters ("" included), null clears it;
// a support email must look like an address.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../src/engine/errors.js';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BillingError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('expected a BillingError');
}

describe('brand rules', () => {
  test('the primary brand cannot be edited, not even with an empty change', async () => {
    const primary = await engine.brands.primaryBrandId();
    expect(await codeOf(engine.brands.update(primary, {}))).toBe(
      `UNABLE_TO_EDIT_PRIMARY_BRAND: brand ${primary} is the primary brand and cannot be edited`,
    );
    expect(await codeOf(engine.brands.update(primary, { enabled: false }))).toMatch(/^UNABLE_TO_EDIT_PRIMARY_BRAND/);
    expect((await engine.brands.get(primary)).enabled).toBe(true);
  });

  test.each([
    ['', 'INVALID_REQUEST_BODY: statement_descriptor must be 5–22 characters, got 0'],
    ['ACME', 'INVALID_REQUEST_BODY: statement_descriptor must be 5–22 characters, got 4'],
    ['A'.repeat(23), 'INVALID_REQUEST_BODY: statement_descriptor must be 5–22 characters, got 23'],
  ])('statement_descriptor %j is refused on create and update', async (descriptor, expected) => {
    expect(await codeOf(engine.brands.create({ name: 'Acme', statement_descriptor: descriptor }))).toBe(expected);
    const brand = await engine.brands.create({ name: 'Acme', statement_descriptor: 'ACME TOOLS' });
    expect(await codeOf(engine.brands.update(brand.brand_id, { statement_descriptor: descriptor }))).toBe(expected);
    expect((await engine.brands.get(brand.brand_id)).statement_descriptor).toBe('ACME TOOLS');
  });

  test('null clears the statement descriptor and the support email', async () => {
    const brand = await engine.brands.create({ name: 'Acme', statement_descriptor: 'ACME TOOLS', support_email: 'help@acme.test' });
    const cleared = await engine.brands.update(brand.brand_id, { statement_descriptor: null, support_email: null });
    expect(cleared).toMatchObject({ statement_descriptor: null, support_email: null });
  });

  test.each(['acme', 'help@acme', 'help @acme.test', ''])('support_email %j is refused', async (email) => {
    expect(await codeOf(engine.brands.create({ name: 'Acme', support_email: email }))).toBe(
      `INVALID_REQUEST_BODY: support_email must be an email address, got "${email}"`,
    );
  });
});
