// Rule under test: SPEC D4 and §2.5/§2.8 at subscription charge time — the code discount applies while
// discount_cycles_remaining is null or > 0 and each paid period spends one cycle (a $0 trial payment does
// not); then subscription credit; then same-currency wallet credit (credit 60 vs charge 20 → 20 used, $0
// charged, 40 left); then tax on what remains. A declined charge gives the wallet credit back.
import { afterEach, describe, expect, test } from 'vitest';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, paymentsOf, plan } from '../../support/subscription-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

async function setUp(
  options: {
    price?: number;
    trial_period_days?: number;
    wallet?: number;
    code?: { amount: number; subscription_cycles?: number; type?: string };
  } = {},
) {
  engine = await createTestEngine('2025-04-01T00:00:00.000Z');
  const { customer, method } = await customerWithCard(engine);
  const product = await plan(engine, {
    price: options.price ?? 3000,
    ...(options.trial_period_days !== undefined && { trial_period_days: options.trial_period_days }),
  });
  if (options.wallet) await engine.wallets.createLedgerEntry(customer.customer_id, { amount: options.wallet, currency: 'USD', entry_type: 'credit' });
  if (options.code) {
    await engine.discounts.create({
      code: 'SAVE',
      type: options.code.type ?? 'percentage',
      amount: options.code.amount,
      ...(options.code.subscription_cycles !== undefined && { subscription_cycles: options.code.subscription_cycles }),
    });
  }
  const created = await engine.subscriptions.create({
    customer_id: customer.customer_id,
    payment_method_id: method.payment_method_id,
    product_id: product.product_id,
    quantity: 1,
    ...(options.code && { discount_code: 'SAVE' }),
  });
  return { ...created, customer, id: created.subscription.subscription_id };
}

async function walletBalance(customerId: string): Promise<number> {
  const wallets = await engine.wallets.list(customerId);
  return wallets.items.find((w) => w.currency === 'USD')?.balance ?? -1;
}

describe('SPEC §2.8 discount cycles', () => {
  test('20 % for 2 cycles: 2400 now, 2400 on May 1, then 3000 from Jun 1; times_used 1', async () => {
    const { id, subscription, payment } = await setUp({ code: { amount: 2000, subscription_cycles: 2 } });
    expect(payment?.total_amount).toBe(2400);
    expect(subscription).toMatchObject({ discount_id: 'dsc_0001', discount_cycles_remaining: 1 });
    await engine.testClock.advance({ to: '2025-07-01T00:00:00.000Z' });
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 2400, 'succeeded'],
      ['2025-05-01', 2400, 'succeeded'],
      ['2025-06-01', 3000, 'succeeded'],
      ['2025-07-01', 3000, 'succeeded'],
    ]);
    expect((await engine.subscriptions.get(id)).discount_cycles_remaining).toBe(0);
    expect((await engine.discounts.get('dsc_0001')).times_used).toBe(1);
    expect(await engine.payments.get('pay_0003')).toMatchObject({ discount_id: null });
  });

  test('subscription_cycles null: the code applies to every period', async () => {
    const { id } = await setUp({ code: { amount: 1000 } });
    await engine.testClock.advance({ to: '2025-06-01T00:00:00.000Z' });
    expect((await paymentsOf(engine, id)).map((p) => p[1])).toEqual([2700, 2700, 2700]);
    expect((await engine.subscriptions.get(id)).discount_cycles_remaining).toBeNull();
  });

  test('a $0 trial payment spends no cycle: 1 cycle → trial end discounted, next period full', async () => {
    const { id, subscription } = await setUp({ trial_period_days: 14, code: { amount: 5000, subscription_cycles: 1 } });
    expect(subscription.discount_cycles_remaining).toBe(1);
    await engine.testClock.advance({ to: '2025-05-15T00:00:00.000Z' });
    expect(await paymentsOf(engine, id)).toEqual([
      ['2025-04-01', 0, 'succeeded'],
      ['2025-04-15', 1500, 'succeeded'],
      ['2025-05-15', 3000, 'succeeded'],
    ]);
  });

  test('a declined renewal spends no cycle; the recovery charge does', async () => {
    const { id, customer } = await setUp({ code: { amount: 2000, subscription_cycles: 2 } });
    await engine.customers.setPaymentMethodFailure('pm_0001', 'CARD_DECLINED');
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await engine.subscriptions.get(id)).toMatchObject({ status: 'on_hold', outstanding_amount: 2400, discount_cycles_remaining: 1 });
    const good = await engine.customers.createPaymentMethod(customer.customer_id, {
      number: '4242424242424242',
      exp_month: 6,
      exp_year: 2032,
      cvc: '123',
    });
    const { payment, subscription } = await engine.subscriptions.updatePaymentMethod(id, { payment_method_id: good.payment_method_id });
    expect(payment?.total_amount).toBe(2400);
    expect(subscription.discount_cycles_remaining).toBe(0);
  });
});

describe('SPEC §2.5 wallet credit and D4 order', () => {
  test('credit 60 vs charge 20 → 20 used, $0 charged (a succeeded $0 payment), 40 left', async () => {
    const { payment, customer } = await setUp({ price: 2000, wallet: 6000 });
    expect(payment).toMatchObject({ status: 'succeeded', total_amount: 0 });
    expect(await walletBalance(customer.customer_id)).toBe(4000);
    const ledger = await engine.wallets.listLedgerEntries(customer.customer_id);
    expect(ledger.items[0]).toMatchObject({
      event_type: 'payment',
      amount: 2000,
      is_credit: false,
      reference_object_id: payment?.payment_id,
      after_balance: 4000,
    });
  });

  test('credit 60 vs charge 100 → 60 used, 40 charged', async () => {
    const { payment, customer } = await setUp({ price: 10_000, wallet: 6000 });
    expect(payment).toMatchObject({ status: 'succeeded', total_amount: 4000 });
    expect(await walletBalance(customer.customer_id)).toBe(0);
  });

  test('wallet credit carries over renewals: 6000 covers Apr, May, Jun of 2000, Jul is charged', async () => {
    const { id, customer } = await setUp({ price: 2000, wallet: 6000 });
    await engine.testClock.advance({ to: '2025-07-01T00:00:00.000Z' });
    expect((await paymentsOf(engine, id)).map((p) => p[1])).toEqual([0, 0, 0, 2000]);
    expect(await walletBalance(customer.customer_id)).toBe(0);
  });

  test('D4: 3000 → 20 % code 2400 → subscription credit 500 → 1900 → wallet 1000 → 900 → tax 10 % → 990', async () => {
    const { id, customer } = await setUp({ code: { amount: 2000 } });
    await engine.settings.update({ default_tax_rate_bps: 1000 });
    await engine.ctx.db.updateTable('subscriptions').set({ credit_balance: 500 }).where('subscription_id', '=', id).execute();
    await engine.wallets.createLedgerEntry(customer.customer_id, { amount: 1000, currency: 'USD', entry_type: 'credit' });
    const may = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    const paymentId = may.processed[0]?.payment_id ?? '';
    expect(await engine.payments.get(paymentId)).toMatchObject({ subtotal: 900, tax: 90, total_amount: 990, discount_id: 'dsc_0001' });
    expect((await engine.payments.lineItems(paymentId)).items).toMatchObject([
      { item_id: 'pdt_0001', unit_price: 3000, gross_amount: 3000, discount_amount: 2100, amount: 900, tax: 90 },
    ]);
    expect((await engine.subscriptions.get(id)).credit_balance).toBe(0);
    expect(await walletBalance(customer.customer_id)).toBe(0);
  });

  test('subscription credit is used before the wallet: credit 3333 covers May (3000), 333 left; wallet untouched', async () => {
    const { id, customer } = await setUp({ wallet: 1000 });
    // The first charge used the 1000 wallet credit: 3000 − 1000 = 2000.
    expect(await paymentsOf(engine, id)).toEqual([['2025-04-01', 2000, 'succeeded']]);
    await engine.wallets.createLedgerEntry(customer.customer_id, { amount: 700, currency: 'USD', entry_type: 'credit' });
    await engine.ctx.db.updateTable('subscriptions').set({ credit_balance: 3333 }).where('subscription_id', '=', id).execute();
    await engine.testClock.advance({ to: '2025-06-01T00:00:00.000Z' });
    // May: 3000 from subscription credit (333 left). Jun: 333 credit, then 700 wallet → 1967 charged.
    expect((await paymentsOf(engine, id)).map((p) => p[1])).toEqual([2000, 0, 1967]);
    expect((await engine.subscriptions.get(id)).credit_balance).toBe(0);
    expect(await walletBalance(customer.customer_id)).toBe(0);
  });

  test('a declined renewal gives the wallet credit back (payment_reversal), keeps the subscription credit, and owes 3000', async () => {
    const { id, customer } = await setUp();
    await engine.wallets.createLedgerEntry(customer.customer_id, { amount: 1000, currency: 'USD', entry_type: 'credit' });
    await engine.ctx.db.updateTable('subscriptions').set({ credit_balance: 500 }).where('subscription_id', '=', id).execute();
    await engine.customers.setPaymentMethodFailure('pm_0001', 'CARD_DECLINED');
    const may = await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(may.processed).toMatchObject([{ amount: 1500, status_after: 'on_hold' }]);
    // Nothing was used, so the whole period is owed; the credits wait for the next charge.
    expect(await engine.subscriptions.get(id)).toMatchObject({ credit_balance: 500, outstanding_amount: 3000 });
    expect(await walletBalance(customer.customer_id)).toBe(1000);
    const ledger = await engine.wallets.listLedgerEntries(customer.customer_id);
    expect(ledger.items.slice(0, 2).map((e) => [e.event_type, e.amount, e.is_credit])).toEqual([
      ['payment_reversal', 1000, true],
      ['payment', 1000, false],
    ]);
  });
});
