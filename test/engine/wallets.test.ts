// Rule under test: wallet operations (SPEC §1.7, §2.5, §2.11) — merchant credits and debits with
// before/after balances, a debit above the balance fails and changes nothing, a repeated idempotency_key
// adds nothing, credit at charge time takes min(balance, charge), totals in USD at 1 USD = 83 INR.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { NewLedgerEntry } from '../../src/engine/wallets/types.js';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
  await engine.customers.create({ email: 'ann@example.com', name: 'Ann' });
});
afterEach(async () => {
  await engine.close();
});

const credit = (amount: number, extra: Partial<NewLedgerEntry> = {}): NewLedgerEntry => ({
  amount,
  currency: 'USD',
  entry_type: 'credit',
  ...extra,
});
const debit = (amount: number, extra: Partial<NewLedgerEntry> = {}): NewLedgerEntry => ({ ...credit(amount, extra), entry_type: 'debit' });

async function usd(): Promise<number> {
  return (await engine.wallets.list('cus_0001')).items.find((w) => w.currency === 'USD')?.balance ?? -1;
}

const applyCredit = (charge: number, paymentId: string, currency = 'USD') =>
  engine.ctx.transaction((tx) => tx.wallets.applyCredit('cus_0001', currency, charge, paymentId));

describe('merchant ledger entries', () => {
  test('a credit of 10000 then a debit of 2500 leave 7500, each entry with its before and after', async () => {
    const first = await engine.wallets.createLedgerEntry('cus_0001', credit(10000, { reason: 'Welcome bonus' }));
    expect(first).toEqual({
      wallet: {
        customer_id: 'cus_0001',
        currency: 'USD',
        balance: 10000,
        created_at: '2025-04-01T00:00:00.000Z',
        updated_at: '2025-04-01T00:00:00.000Z',
      },
      entry: {
        id: 'wle_0001',
        customer_id: 'cus_0001',
        currency: 'USD',
        amount: 10000,
        is_credit: true,
        before_balance: 0,
        after_balance: 10000,
        event_type: 'merchant_adjustment',
        reason: 'Welcome bonus',
        reference_object_id: null,
        idempotency_key: null,
        created_at: '2025-04-01T00:00:00.000Z',
      },
      duplicate: false,
    });
    const second = await engine.wallets.createLedgerEntry('cus_0001', debit(2500));
    expect(second.entry).toMatchObject({ is_credit: false, amount: 2500, before_balance: 10000, after_balance: 7500 });
    expect(second.wallet.balance).toBe(7500);
  });

  test('a debit above the balance is INSUFFICIENT_WALLET_FUNDS and changes nothing: 500 − 800 refused', async () => {
    await engine.wallets.createLedgerEntry('cus_0001', credit(500));
    await expect(engine.wallets.createLedgerEntry('cus_0001', debit(800))).rejects.toMatchObject({
      code: 'INSUFFICIENT_WALLET_FUNDS',
      message: 'Insufficient funds in wallet: the USD wallet of cus_0001 holds 500, a debit of 800 would take it below 0',
      nextStep: 'debit at most 500; get_customer_wallets shows the balances',
    });
    expect(await usd()).toBe(500);
    expect((await engine.wallets.listLedgerEntries('cus_0001')).items).toHaveLength(1);
    // Exactly the balance is allowed, down to 0.
    expect((await engine.wallets.createLedgerEntry('cus_0001', debit(500))).wallet.balance).toBe(0);
  });

  test('a repeated idempotency_key returns the original entry, adds nothing, and is marked duplicate', async () => {
    const original = await engine.wallets.createLedgerEntry('cus_0001', credit(5000, { idempotency_key: 'welcome_cus_0001' }));
    engine.clock.advance(1000);
    const repeat = await engine.wallets.createLedgerEntry('cus_0001', credit(5000, { idempotency_key: 'welcome_cus_0001' }));
    expect(repeat.duplicate).toBe(true);
    expect(repeat.entry).toEqual(original.entry);
    expect(repeat.wallet.balance).toBe(5000);
    expect((await engine.wallets.listLedgerEntries('cus_0001')).items).toHaveLength(1);
  });

  test('the same key with a different amount is CONFLICT and adds nothing', async () => {
    await engine.wallets.createLedgerEntry('cus_0001', credit(5000, { idempotency_key: 'k1' }));
    await expect(engine.wallets.createLedgerEntry('cus_0001', credit(6000, { idempotency_key: 'k1' }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await usd()).toBe(5000);
  });

  test('idempotency keys are per customer', async () => {
    await engine.customers.create({ email: 'bob@example.com', name: 'Bob' });
    await engine.wallets.createLedgerEntry('cus_0001', credit(100, { idempotency_key: 'same' }));
    const bob = await engine.wallets.createLedgerEntry('cus_0002', credit(100, { idempotency_key: 'same' }));
    expect(bob.duplicate).toBe(false);
    expect(bob.wallet.balance).toBe(100);
  });

  test.each<[string, NewLedgerEntry, string]>([
    ['amount 0', credit(0), 'INVALID_REQUEST_BODY'],
    ['a negative amount', credit(-100), 'INVALID_REQUEST_BODY'],
    ['a fractional amount', credit(10.5), 'INVALID_REQUEST_BODY'],
    ['EUR', credit(100, { currency: 'EUR' }), 'UNSUPPORTED_CURRENCY'],
    ['a reason of 501 characters', credit(100, { reason: 'x'.repeat(501) }), 'INVALID_REQUEST_BODY'],
    ['an empty idempotency key', credit(100, { idempotency_key: '' }), 'INVALID_REQUEST_BODY'],
  ])('%s is refused with %s and writes nothing', async (_, entry, code) => {
    await expect(engine.wallets.createLedgerEntry('cus_0001', entry)).rejects.toMatchObject({ code });
    expect(await usd()).toBe(0);
    expect((await engine.wallets.listLedgerEntries('cus_0001')).items).toEqual([]);
  });

  test('an unknown customer is NOT_FOUND for every wallet operation', async () => {
    await expect(engine.wallets.list('cus_nope')).rejects.toMatchObject({ code: 'NOT_FOUND', nextStep: 'list_customers shows the existing ids' });
    await expect(engine.wallets.createLedgerEntry('cus_nope', credit(100))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.wallets.listLedgerEntries('cus_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('the ledger lists newest first, even within one instant of the frozen clock, and filters by currency', async () => {
    await engine.wallets.createLedgerEntry('cus_0001', credit(100));
    await engine.wallets.createLedgerEntry('cus_0001', credit(200, { currency: 'INR' }));
    await engine.wallets.createLedgerEntry('cus_0001', debit(50));
    const all = await engine.wallets.listLedgerEntries('cus_0001');
    expect(all.items.map((e) => e.id)).toEqual(['wle_0003', 'wle_0002', 'wle_0001']);
    const inr = await engine.wallets.listLedgerEntries('cus_0001', { currency: 'INR' });
    expect(inr.items.map((e) => [e.id, e.amount])).toEqual([['wle_0002', 200]]);
    const paged = await engine.wallets.listLedgerEntries('cus_0001', {}, { page_size: 2, page_number: 1 });
    expect(paged.items.map((e) => e.id)).toEqual(['wle_0001']);
    expect(paged.has_more).toBe(false);
  });
});

describe('total_balance_usd at 1 USD = 83 INR', () => {
  test.each([
    [0, 0, 0],
    [10000, 0, 10000],
    [0, 8300, 100],
    [2500, 8300, 2600],
    [0, 41, 0],
    [0, 42, 1],
    [100, 4150, 150],
  ])('USD %i + INR %i paise = %i cents', async (usdBalance, inrBalance, total) => {
    if (usdBalance > 0) await engine.wallets.createLedgerEntry('cus_0001', credit(usdBalance));
    if (inrBalance > 0) await engine.wallets.createLedgerEntry('cus_0001', credit(inrBalance, { currency: 'INR' }));
    expect((await engine.wallets.list('cus_0001')).total_balance_usd).toBe(total);
  });
});

describe('credit at charge time (SPEC §2.5)', () => {
  test('credit 6000 vs charge 2000: 2000 used, 4000 left, one payment entry referencing the payment', async () => {
    await engine.wallets.createLedgerEntry('cus_0001', credit(6000));
    expect(await applyCredit(2000, 'pay_0001')).toBe(2000);
    expect(await usd()).toBe(4000);
    const [entry] = (await engine.wallets.listLedgerEntries('cus_0001')).items;
    expect(entry).toMatchObject({
      event_type: 'payment',
      is_credit: false,
      amount: 2000,
      before_balance: 6000,
      after_balance: 4000,
      reference_object_id: 'pay_0001',
    });
  });

  test('credit 6000 vs charge 10000: 6000 used, 0 left (4000 remains for the card)', async () => {
    await engine.wallets.createLedgerEntry('cus_0001', credit(6000));
    expect(await applyCredit(10000, 'pay_0001')).toBe(6000);
    expect(await usd()).toBe(0);
  });

  test('no credit: nothing used and no entry written', async () => {
    expect(await applyCredit(5000, 'pay_0001')).toBe(0);
    expect((await engine.wallets.listLedgerEntries('cus_0001')).items).toEqual([]);
  });

  test('only the same currency pays: USD credit does not reduce an INR charge', async () => {
    await engine.wallets.createLedgerEntry('cus_0001', credit(6000));
    expect(await applyCredit(2000, 'pay_0001', 'INR')).toBe(0);
    expect(await applyCredit(2000, 'pay_0002', 'EUR')).toBe(0);
    expect(await usd()).toBe(6000);
  });

  test('a credit use rolled back with its payment leaves the balance as it was', async () => {
    await engine.wallets.createLedgerEntry('cus_0001', credit(6000));
    await expect(
      engine.ctx.transaction(async (tx) => {
        await tx.wallets.applyCredit('cus_0001', 'USD', 2000, 'pay_0001');
        throw new Error('the charge failed after the credit was taken');
      }),
    ).rejects.toThrow('the charge failed');
    expect(await usd()).toBe(6000);
  });

  test('reverseCredit gives credit back as a payment_reversal entry', async () => {
    await engine.wallets.createLedgerEntry('cus_0001', credit(6000));
    await applyCredit(2000, 'pay_0001');
    await engine.ctx.transaction((tx) => tx.wallets.reverseCredit('cus_0001', 'USD', 2000, 'pay_0001'));
    expect(await usd()).toBe(6000);
    expect((await engine.wallets.listLedgerEntries('cus_0001')).items[0]).toMatchObject({
      event_type: 'payment_reversal',
      is_credit: true,
      before_balance: 4000,
      after_balance: 6000,
    });
  });

  test('applyCredit outside a transaction is a bug, not a billing error', async () => {
    await expect(engine.wallets.applyCredit('cus_0001', 'USD', 100, 'pay_0001')).rejects.toThrow('applyCredit must run inside the transaction');
  });
});
