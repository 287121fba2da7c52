// Rule under test: the customer tools (SPEC §1.6, §5) return the engine's objects as structuredContent,
// fail with exact "CODE: message. Next: …" texts, and a refused call leaves the database unchanged.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';
import { billingState } from '../support/billing-state.js';

let c: ConnectedClient;
beforeEach(async () => {
  c = await connectClient();
});
afterEach(async () => {
  await c.close();
});

const ann = { email: 'Ann@Example.com', name: 'Ann Lee' };

describe('customer tools', () => {
  test('create_customer stores the email in lower case; get_customer returns the same customer', async () => {
    const created = await c.ok('create_customer', { ...ann, phone_number: '+14155550123', metadata: { crm: '42' } });
    expect(created).toEqual({
      customer_id: 'cus_0001',
      business_id: c.engine.ctx.businessId,
      email: 'ann@example.com',
      name: 'Ann Lee',
      phone_number: '+14155550123',
      metadata: { crm: '42' },
      created_at: '2025-04-01T00:00:00.000Z',
      updated_at: '2025-04-01T00:00:00.000Z',
    });
    expect(await c.ok('get_customer', { customer_id: 'cus_0001' })).toEqual(created);
  });

  test('list_customers filters by email case-insensitively, newest first, paged', async () => {
    await c.ok('create_customer', ann);
    await c.ok('create_customer', { email: 'bob@example.com', name: 'Bob' });
    await c.ok('create_customer', { email: 'ann@example.com', name: 'Ann again' });
    const filtered = await c.ok<{ items: { customer_id: string }[]; has_more: boolean }>('list_customers', { email: 'ANN@example.com' });
    expect(filtered.items.map((x) => x.customer_id)).toEqual(['cus_0003', 'cus_0001']);
    const page = await c.ok<{ items: { customer_id: string }[]; has_more: boolean }>('list_customers', { page_size: 1 });
    expect(page).toMatchObject({ items: [{ customer_id: 'cus_0003' }], page_number: 0, page_size: 1, has_more: true });
  });

  test('update_customer changes only the given fields; null clears the phone number', async () => {
    await c.ok('create_customer', { ...ann, phone_number: '+14155550123' });
    const updated = await c.ok('update_customer', { customer_id: 'cus_0001', name: 'Ann Smith', phone_number: null });
    expect(updated).toMatchObject({ name: 'Ann Smith', email: 'ann@example.com', phone_number: null });
  });

  test('an unknown customer is NOT_FOUND with list_customers as the next step', async () => {
    const text = 'NOT_FOUND: no customer cus_nope. Next: list_customers shows the existing ids';
    expect(await c.fail('get_customer', { customer_id: 'cus_nope' })).toBe(text);
    expect(await c.fail('update_customer', { customer_id: 'cus_nope', name: 'X' })).toBe(text);
    expect(await c.fail('list_customer_payment_methods', { customer_id: 'cus_nope' })).toBe(text);
  });

  // PostgreSQL's text type cannot hold U+0000, so no door takes it, on either database (shared/text.ts):
  // the same call answers the same refusal on SQLite and on PostgreSQL, naming the field, and stores nothing.
  test('a NUL character anywhere in the arguments is INVALID_REQUEST_BODY naming its field, and changes nothing', async () => {
    await c.ok('create_customer', ann);
    const before = await billingState(c.engine);
    expect(await c.fail('create_customer', { email: 'bo@example.com', name: 'Bo\u0000Lee' })).toBe(
      'INVALID_REQUEST_BODY: name holds the NUL character (U+0000), which no billing text may contain; nothing was changed. Next: remove the NUL character from name and send it again',
    );
    expect(await c.fail('update_customer', { customer_id: 'cus_0001', metadata: { crm: 'a\u0000' } })).toMatch(
      /^INVALID_REQUEST_BODY: metadata\.crm holds the NUL/,
    );
    expect(await c.fail('get_customer', { customer_id: 'cus_0001\u0000' })).toMatch(/^INVALID_REQUEST_BODY: customer_id holds the NUL/);
    expect(await billingState(c.engine)).toEqual(before);
  });

  test('a malformed email is INVALID_REQUEST_BODY with the fix', async () => {
    expect(await c.fail('create_customer', { email: 'ann.example.com', name: 'Ann' })).toBe(
      'INVALID_REQUEST_BODY: "ann.example.com" is not an email address. Next: send an address such as ann@example.com',
    );
  });
});

describe('payment method tools', () => {
  beforeEach(async () => {
    await c.ok('create_customer', ann);
    // Cards are saved by checkout; the tests save them through the engine as checkout will.
    await c.engine.customers.createPaymentMethod('cus_0001', { number: '4242424242424242', exp_month: 6, exp_year: 2032 });
    c.engine.clock.advance(1000);
    await c.engine.customers.createPaymentMethod('cus_0001', { number: '4000000000000002', exp_month: 6, exp_year: 2032 });
  });

  test('list_customer_payment_methods shows the saved cards newest first with their test behaviour', async () => {
    const page = await c.ok('list_customer_payment_methods', { customer_id: 'cus_0001' });
    expect(page).toEqual({
      items: [
        {
          payment_method_id: 'pm_0002',
          customer_id: 'cus_0001',
          type: 'card',
          card: { brand: 'Visa', last4: '0002', exp_month: 6, exp_year: 2032, country: 'US' },
          test_failure_code: 'CARD_DECLINED',
          created_at: '2025-04-01T00:00:01.000Z',
        },
        {
          payment_method_id: 'pm_0001',
          customer_id: 'cus_0001',
          type: 'card',
          card: { brand: 'Visa', last4: '4242', exp_month: 6, exp_year: 2032, country: 'US' },
          test_failure_code: null,
          created_at: '2025-04-01T00:00:00.000Z',
        },
      ],
      page_number: 0,
      page_size: 20,
      has_more: false,
    });
  });

  test('set_payment_method_test_behavior flips a method to failing and back to succeeding', async () => {
    const failing = await c.ok('set_payment_method_test_behavior', { payment_method_id: 'pm_0001', failure_code: 'INSUFFICIENT_FUNDS' });
    expect(failing).toMatchObject({ payment_method_id: 'pm_0001', test_failure_code: 'INSUFFICIENT_FUNDS' });
    const healed = await c.ok('set_payment_method_test_behavior', { payment_method_id: 'pm_0002', failure_code: null });
    expect(healed).toMatchObject({ payment_method_id: 'pm_0002', test_failure_code: null });
    expect((await c.engine.customers.getPaymentMethod('cus_0001', 'pm_0001')).test_failure_code).toBe('INSUFFICIENT_FUNDS');
  });

  test('an unknown payment method is NOT_FOUND with the next step', async () => {
    expect(await c.fail('set_payment_method_test_behavior', { payment_method_id: 'pm_nope', failure_code: 'CARD_DECLINED' })).toBe(
      'NOT_FOUND: no payment method pm_nope. Next: list_customer_payment_methods shows a customer’s saved methods',
    );
  });
});

describe('bad input changes nothing', () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['create_customer', { email: 'ann@example.com' }, /^INVALID_REQUEST_BODY: invalid arguments for create_customer: name/],
    ['create_customer', { email: 'ann@example.com', name: 'Ann', phone_number: 'call me' }, /^INVALID_REQUEST_BODY: "call me" is not a phone number/],
    ['create_customer', { email: 'ann@example.com', name: 'Ann', surname: 'Lee' }, /^INVALID_REQUEST_BODY: invalid arguments for create_customer/],
    ['get_customer', {}, /^INVALID_REQUEST_BODY: invalid arguments for get_customer: customer_id/],
    ['list_customers', { page_size: 500 }, /^INVALID_REQUEST_BODY: invalid arguments for list_customers: page_size/],
    ['update_customer', { customer_id: 'cus_0001', email: 'nope' }, /^INVALID_REQUEST_BODY: "nope" is not an email address/],
    ['update_customer', { customer_id: 'cus_0001', name: '' }, /^INVALID_REQUEST_BODY: invalid arguments for update_customer: name/],
    ['list_customer_payment_methods', { customer_id: 42 }, /^INVALID_REQUEST_BODY: invalid arguments for list_customer_payment_methods: customer_id/],
    [
      'set_payment_method_test_behavior',
      { payment_method_id: 'pm_0001', failure_code: 'MAYBE' },
      /^INVALID_REQUEST_BODY: invalid arguments for set_payment_method_test_behavior: failure_code/,
    ],
    [
      'set_payment_method_test_behavior',
      { payment_method_id: 'pm_0001' },
      /^INVALID_REQUEST_BODY: invalid arguments for set_payment_method_test_behavior: failure_code/,
    ],
  ])('%s %j is refused', async (tool, args, text) => {
    await c.ok('create_customer', ann);
    await c.engine.customers.createPaymentMethod('cus_0001', { number: '4242424242424242', exp_month: 6, exp_year: 2032 });
    const before = await billingState(c.engine);
    expect(await c.fail(tool, args)).toMatch(text);
    expect(await billingState(c.engine)).toEqual(before);
  });
});

describe('annotations', () => {
  test('reads are read-only (and so idempotent); writes are not; the test switch and update are idempotent', async () => {
    const tools = new Map((await c.client.listTools()).tools.map((t) => [t.name, t.annotations]));
    for (const name of ['get_customer', 'list_customers', 'list_customer_payment_methods']) {
      // Read-only implies idempotent; MCP ignores idempotentHint then, so it is not sent (issue 14).
      expect(tools.get(name)).toEqual({ readOnlyHint: true });
    }
    expect(tools.get('create_customer')).toMatchObject({ readOnlyHint: false });
    expect(tools.get('create_customer')?.idempotentHint).toBeUndefined();
    expect(tools.get('update_customer')).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    expect(tools.get('set_payment_method_test_behavior')).toMatchObject({ readOnlyHint: false, idempotentHint: true });
  });
});
