// Rule under test: customers (SPEC §1.6) — emails stored in lower case and matched case-insensitively, the
// oldest customer owns an email, wallets open empty with the customer, PATCH updates, NOT_FOUND next steps.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../src/engine/errors.js';
import { normalizeEmail } from '../../src/engine/rules/customer-details.js';
import type { NewCustomer } from '../../src/engine/customers/types.js';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

const ann: NewCustomer = { email: 'Ann@Example.com', name: 'Ann Lee' };

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof BillingError) return error.code;
    throw error;
  }
  throw new Error('expected a BillingError');
}

describe('email matching', () => {
  test.each([
    ['Ann@Example.com', 'ann@example.com'],
    ['  BOB@EXAMPLE.CO.UK ', 'bob@example.co.uk'],
    ['a+tag@b.io', 'a+tag@b.io'],
  ])('%j is stored as %j', (given, stored) => {
    expect(normalizeEmail(given)).toBe(stored);
  });

  test.each(['ann', 'ann@', '@example.com', 'ann@example', 'ann @example.com', 'ann@@example.com', 'ann@example.', ''])(
    '%j is not an email: INVALID_REQUEST_BODY',
    (email) => {
      expect(() => normalizeEmail(email)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST_BODY' }));
    },
  );

  test('findByEmail ignores case and returns the oldest of several customers with the email', async () => {
    const first = await engine.customers.create(ann);
    await engine.customers.create({ email: 'other@example.com', name: 'Other' });
    // Same instant on the frozen clock: creation order, not the timestamp, decides which is oldest.
    await engine.customers.create({ email: 'ANN@example.com', name: 'Ann again' });
    expect((await engine.customers.findByEmail(' ann@EXAMPLE.com'))?.customer_id).toBe(first.customer_id);
    expect(await engine.customers.findByEmail('nobody@example.com')).toBeUndefined();
  });

  test('list filters by email case-insensitively, newest first', async () => {
    await engine.customers.create(ann);
    engine.clock.advance(1000);
    await engine.customers.create({ email: 'zed@example.com', name: 'Zed' });
    engine.clock.advance(1000);
    await engine.customers.create({ email: 'ann@example.com', name: 'Ann two' });
    const page = await engine.customers.list({ email: 'ANN@example.com' });
    expect(page.items.map((c) => c.customer_id)).toEqual(['cus_0003', 'cus_0001']);
  });
});

describe('create_customer', () => {
  test('stores the email in lower case and opens empty USD and INR wallets', async () => {
    const customer = await engine.customers.create({ ...ann, phone_number: '+1 415 555 0123', metadata: { crm: '42' } });
    expect(customer).toEqual({
      customer_id: 'cus_0001',
      business_id: engine.ctx.businessId,
      email: 'ann@example.com',
      name: 'Ann Lee',
      phone_number: '+1 415 555 0123',
      metadata: { crm: '42' },
      created_at: '2025-04-01T00:00:00.000Z',
      updated_at: '2025-04-01T00:00:00.000Z',
    });
    const wallets = await engine.wallets.list(customer.customer_id);
    expect(wallets.items.map((w) => [w.currency, w.balance])).toEqual([
      ['USD', 0],
      ['INR', 0],
    ]);
    expect(wallets.total_balance_usd).toBe(0);
  });

  test('a second customer for a taken email is created (checkout decides with findByEmail)', async () => {
    await engine.customers.create(ann);
    const second = await engine.customers.create(ann);
    expect(second.customer_id).toBe('cus_0002');
  });

  test.each<[string, NewCustomer, string]>([
    ['a malformed email', { email: 'ann.example.com', name: 'Ann' }, 'INVALID_REQUEST_BODY'],
    ['an empty name', { email: 'a@b.co', name: '   ' }, 'INVALID_REQUEST_BODY'],
    ['a name of 101 characters', { email: 'a@b.co', name: 'x'.repeat(101) }, 'INVALID_REQUEST_BODY'],
    ['a phone with letters', { email: 'a@b.co', name: 'Ann', phone_number: 'call me' }, 'INVALID_REQUEST_BODY'],
    ['a phone of 5 digits', { email: 'a@b.co', name: 'Ann', phone_number: '12345' }, 'INVALID_REQUEST_BODY'],
    [
      '51 metadata keys',
      { email: 'a@b.co', name: 'Ann', metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      'MAXIMUM_KEYS_REACHED',
    ],
  ])('%s is refused with %s and creates nothing', async (_, input, code) => {
    expect(await codeOf(engine.customers.create(input))).toBe(code);
    expect((await engine.customers.list()).items).toEqual([]);
  });

  test('a name of exactly 100 characters is accepted', async () => {
    expect((await engine.customers.create({ email: 'a@b.co', name: 'x'.repeat(100) })).name).toHaveLength(100);
  });
});

describe('get, list, update', () => {
  test('an unknown customer is NOT_FOUND with list_customers as the next step', async () => {
    await expect(engine.customers.get('cus_nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no customer cus_nope',
      nextStep: 'list_customers shows the existing ids',
    });
  });

  test('list is newest first and paged', async () => {
    for (let i = 1; i <= 3; i += 1) await engine.customers.create({ email: `c${i}@example.com`, name: `C${i}` });
    const first = await engine.customers.list({}, { page_size: 2 });
    expect(first.items.map((c) => c.customer_id)).toEqual(['cus_0003', 'cus_0002']);
    expect(first.has_more).toBe(true);
    const second = await engine.customers.list({}, { page_size: 2, page_number: 1 });
    expect(second.items.map((c) => c.customer_id)).toEqual(['cus_0001']);
    expect(second.has_more).toBe(false);
  });

  test('update is PATCH: omitted fields stay, null clears the phone, email is lower-cased', async () => {
    await engine.customers.create({ ...ann, phone_number: '+14155550123', metadata: { a: '1' } });
    engine.clock.advance(60_000);
    const updated = await engine.customers.update('cus_0001', { email: 'ANN@NEW.example', phone_number: null });
    expect(updated).toMatchObject({
      email: 'ann@new.example',
      name: 'Ann Lee',
      phone_number: null,
      metadata: { a: '1' },
      created_at: '2025-04-01T00:00:00.000Z',
      updated_at: '2025-04-01T00:01:00.000Z',
    });
    expect((await engine.customers.findByEmail('ann@new.example'))?.customer_id).toBe('cus_0001');
    expect(await engine.customers.findByEmail('ann@example.com')).toBeUndefined();
  });

  test('a bad update changes nothing', async () => {
    const before = await engine.customers.create(ann);
    expect(await codeOf(engine.customers.update('cus_0001', { name: 'New', email: 'not-an-email' }))).toBe('INVALID_REQUEST_BODY');
    expect(await engine.customers.get('cus_0001')).toEqual(before);
    expect(await codeOf(engine.customers.update('cus_nope', { name: 'New' }))).toBe('NOT_FOUND');
  });

  test('customers cannot be deleted: the service has no delete', () => {
    expect(Object.getOwnPropertyNames(Object.getPrototypeOf(engine.customers)).filter((m) => /delete|remove/i.test(m))).toEqual([]);
  });
});
