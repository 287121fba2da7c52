// Rule under test: the wallet tools (SPEC §1.7, §2.11) — balances in minor units with total_balance_usd,
// merchant credits and debits, a repeated idempotency_key adds nothing, a debit above the balance fails
// with the exact "CODE: message. Next: …" text, and every refused call leaves the database unchanged.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { billingState } from '../support/billing-state.js';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';

let c: ConnectedClient;
beforeEach(async () => {
  c = await connectClient();
  await c.ok('create_customer', { email: 'ann@example.com', name: 'Ann' });
});
afterEach(async () => {
  await c.close();
});

interface EntryResult {
  wallet: { currency: string; balance: number };
  entry: { id: string; amount: number; before_balance: number; after_balance: number };
  duplicate: boolean;
}

describe('wallet tools', () => {
  test('a new customer has empty USD and INR wallets', async () => {
    expect(await c.ok('get_customer_wallets', { customer_id: 'cus_0001' })).toEqual({
      items: [
        { customer_id: 'cus_0001', currency: 'USD', balance: 0, created_at: '2025-04-01T00:00:00.000Z', updated_at: '2025-04-01T00:00:00.000Z' },
        { customer_id: 'cus_0001', currency: 'INR', balance: 0, created_at: '2025-04-01T00:00:00.000Z', updated_at: '2025-04-01T00:00:00.000Z' },
      ],
      total_balance_usd: 0,
    });
  });

  test('credit $100 and ₹83, debit $25: USD 7500, INR 8300, total 7600 cents', async () => {
    await c.ok('create_wallet_ledger_entry', {
      customer_id: 'cus_0001',
      amount: 10000,
      currency: 'USD',
      entry_type: 'credit',
      reason: 'Welcome bonus',
    });
    await c.ok('create_wallet_ledger_entry', { customer_id: 'cus_0001', amount: 8300, currency: 'INR', entry_type: 'credit' });
    const debit = await c.ok<EntryResult>('create_wallet_ledger_entry', {
      customer_id: 'cus_0001',
      amount: 2500,
      currency: 'USD',
      entry_type: 'debit',
    });
    expect(debit).toMatchObject({
      wallet: { currency: 'USD', balance: 7500 },
      entry: { id: 'wle_0003', amount: 2500, is_credit: false, before_balance: 10000, after_balance: 7500, event_type: 'merchant_adjustment' },
      duplicate: false,
    });
    const wallets = await c.ok<{ items: { currency: string; balance: number }[]; total_balance_usd: number }>('get_customer_wallets', {
      customer_id: 'cus_0001',
    });
    expect(wallets.items.map((w) => [w.currency, w.balance])).toEqual([
      ['USD', 7500],
      ['INR', 8300],
    ]);
    expect(wallets.total_balance_usd).toBe(7600);
  });

  test('a repeated idempotency_key returns the original entry with duplicate: true and adds nothing', async () => {
    const args = { customer_id: 'cus_0001', amount: 5000, currency: 'USD', entry_type: 'credit', idempotency_key: 'welcome_cus_0001' };
    const first = await c.ok<EntryResult>('create_wallet_ledger_entry', args);
    const repeat = await c.ok<EntryResult>('create_wallet_ledger_entry', args);
    expect(repeat).toEqual({ ...first, duplicate: true });
    expect(repeat.wallet.balance).toBe(5000);
  });

  test('a debit above the balance fails with INSUFFICIENT_WALLET_FUNDS and changes nothing', async () => {
    await c.ok('create_wallet_ledger_entry', { customer_id: 'cus_0001', amount: 500, currency: 'USD', entry_type: 'credit' });
    const before = await billingState(c.engine);
    expect(await c.fail('create_wallet_ledger_entry', { customer_id: 'cus_0001', amount: 800, currency: 'USD', entry_type: 'debit' })).toBe(
      'INSUFFICIENT_WALLET_FUNDS: Insufficient funds in wallet: the USD wallet of cus_0001 holds 500, a debit of 800 would take it ' +
        'below 0. Next: debit at most 500; get_customer_wallets shows the balances',
    );
    expect(await billingState(c.engine)).toEqual(before);
  });

  test('list_wallet_ledger_entries is newest first, filters by currency and pages', async () => {
    for (const [amount, currency] of [
      [100, 'USD'],
      [200, 'INR'],
      [300, 'USD'],
    ] as const) {
      await c.ok('create_wallet_ledger_entry', { customer_id: 'cus_0001', amount, currency, entry_type: 'credit' });
    }
    const all = await c.ok<{ items: { id: string }[] }>('list_wallet_ledger_entries', { customer_id: 'cus_0001' });
    expect(all.items.map((e) => e.id)).toEqual(['wle_0003', 'wle_0002', 'wle_0001']);
    const usd = await c.ok<{ items: { id: string; after_balance: number }[]; has_more: boolean }>('list_wallet_ledger_entries', {
      customer_id: 'cus_0001',
      currency: 'USD',
      page_size: 1,
    });
    expect(usd).toMatchObject({ items: [{ id: 'wle_0003', after_balance: 400 }], has_more: true });
  });

  test('an unknown customer is NOT_FOUND with list_customers as the next step', async () => {
    const text = 'NOT_FOUND: no customer cus_nope. Next: list_customers shows the existing ids';
    expect(await c.fail('get_customer_wallets', { customer_id: 'cus_nope' })).toBe(text);
    expect(await c.fail('list_wallet_ledger_entries', { customer_id: 'cus_nope' })).toBe(text);
    expect(await c.fail('create_wallet_ledger_entry', { customer_id: 'cus_nope', amount: 100, currency: 'USD', entry_type: 'credit' })).toBe(text);
  });
});

describe('bad input changes nothing', () => {
  const entry = { customer_id: 'cus_0001', amount: 100, currency: 'USD', entry_type: 'credit' };
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['get_customer_wallets', {}, /^INVALID_REQUEST_BODY: invalid arguments for get_customer_wallets: customer_id/],
    ['create_wallet_ledger_entry', { ...entry, amount: 0 }, /^INVALID_REQUEST_BODY: invalid arguments for create_wallet_ledger_entry: amount/],
    ['create_wallet_ledger_entry', { ...entry, amount: -100 }, /^INVALID_REQUEST_BODY: invalid arguments for create_wallet_ledger_entry: amount/],
    ['create_wallet_ledger_entry', { ...entry, amount: 10.5 }, /^INVALID_REQUEST_BODY: invalid arguments for create_wallet_ledger_entry: amount/],
    [
      'create_wallet_ledger_entry',
      { ...entry, currency: 'EUR' },
      /^INVALID_REQUEST_BODY: invalid arguments for create_wallet_ledger_entry: currency/,
    ],
    [
      'create_wallet_ledger_entry',
      { ...entry, entry_type: 'refund' },
      /^INVALID_REQUEST_BODY: invalid arguments for create_wallet_ledger_entry: entry_type/,
    ],
    ['create_wallet_ledger_entry', { ...entry, entry_type: 'debit', amount: 999_999 }, /^INSUFFICIENT_WALLET_FUNDS: /],
    [
      'create_wallet_ledger_entry',
      { ...entry, idempotency_key: 'k1', amount: 999 },
      /^CONFLICT: idempotency_key "k1" was used for a credit of 100 USD/,
    ],
    [
      'list_wallet_ledger_entries',
      { customer_id: 'cus_0001', currency: 'GBP' },
      /^INVALID_REQUEST_BODY: invalid arguments for list_wallet_ledger_entries: currency/,
    ],
    [
      'list_wallet_ledger_entries',
      { customer_id: 'cus_0001', page_number: -1 },
      /^INVALID_REQUEST_BODY: invalid arguments for list_wallet_ledger_entries: page_number/,
    ],
  ])('%s %j is refused', async (tool, args, text) => {
    await c.ok('create_wallet_ledger_entry', { ...entry, idempotency_key: 'k1' });
    const before = await billingState(c.engine);
    expect(await c.fail(tool, args)).toMatch(text);
    expect(await billingState(c.engine)).toEqual(before);
  });
});

describe('annotations', () => {
  test('reads are read-only and idempotent; create_wallet_ledger_entry is idempotent only with a key, so not marked', async () => {
    const tools = new Map((await c.client.listTools()).tools.map((t) => [t.name, t.annotations]));
    // Read-only implies idempotent; MCP ignores idempotentHint then, so it is not sent (issue 14).
    expect(tools.get('get_customer_wallets')).toEqual({ readOnlyHint: true });
    expect(tools.get('list_wallet_ledger_entries')).toEqual({ readOnlyHint: true });
    expect(tools.get('create_wallet_ledger_entry')).toMatchObject({ readOnlyHint: false, idempotentHint: false });
  });
});
