// Rule under test: no wallet operation creates or loses money (DESIGN "Money", SPEC §2.11) — after any
// sequence of credits, debits (some refused), repeated idempotency keys and credit uses, each balance is
// ≥ 0, equals the sum of its ledger entries, and the entries chain before → after without gaps.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BillingError } from '../../src/engine/errors.js';
import type { Currency } from '../../src/engine/money.js';
import type { WalletLedgerEntry } from '../../src/engine/wallets/types.js';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';

type Op =
  | { kind: 'entry'; currency: Currency; entry_type: 'credit' | 'debit'; amount: number; key: string | null }
  | { kind: 'use'; currency: Currency; charge: number };

const currency = fc.constantFrom<Currency>('USD', 'INR');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('entry' as const),
    currency,
    entry_type: fc.constantFrom('credit' as const, 'debit' as const),
    amount: fc.integer({ min: 1, max: 20_000 }),
    // A small key space so keys repeat, with the same or a different amount.
    key: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: null }),
  }),
  fc.record({ kind: fc.constant('use' as const), currency, charge: fc.integer({ min: 0, max: 20_000 }) }),
);

async function allEntries(engine: TestEngine, customerId: string): Promise<WalletLedgerEntry[]> {
  const entries: WalletLedgerEntry[] = [];
  for (let page_number = 0; ; page_number += 1) {
    const page = await engine.wallets.listLedgerEntries(customerId, {}, { page_size: 100, page_number });
    entries.push(...page.items);
    if (!page.has_more) return entries.reverse();
  }
}

async function run(engine: TestEngine, ops: Op[]): Promise<Record<Currency, number>> {
  // The balances a simple model expects, to compare with what the engine stored.
  const model: Record<Currency, number> = { USD: 0, INR: 0 };
  const keys = new Map<string, Op & { kind: 'entry' }>();
  for (const [i, step] of ops.entries()) {
    if (step.kind === 'use') {
      const used = await engine.ctx.transaction((tx) => tx.wallets.applyCredit('cus_0001', step.currency, step.charge, `pay_${i}`));
      expect(used).toBe(Math.min(model[step.currency], step.charge));
      model[step.currency] -= used;
      continue;
    }
    try {
      const result = await engine.wallets.createLedgerEntry('cus_0001', {
        amount: step.amount,
        currency: step.currency,
        entry_type: step.entry_type,
        idempotency_key: step.key,
      });
      if (!result.duplicate) model[step.currency] += step.entry_type === 'credit' ? step.amount : -step.amount;
      if (step.key !== null && !result.duplicate) keys.set(step.key, step);
      expect(result.duplicate).toBe(step.key !== null && keys.get(step.key) !== step);
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      // Refused: a debit above the balance, or a reused key with other terms. Either way nothing moved.
      expect(['INSUFFICIENT_WALLET_FUNDS', 'CONFLICT']).toContain(error.code);
    }
  }
  return model;
}

describe('wallet balances', () => {
  test('equal the sum of their entries after any sequence of operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const engine = await createTestEngine();
        try {
          await engine.customers.create({ email: 'ann@example.com', name: 'Ann' });
          const model = await run(engine, ops);
          const wallets = await engine.wallets.list('cus_0001');
          const entries = await allEntries(engine, 'cus_0001');
          for (const wallet of wallets.items) {
            const own = entries.filter((e) => e.currency === wallet.currency);
            const sum = own.reduce((total, e) => total + (e.is_credit ? e.amount : -e.amount), 0);
            expect(wallet.balance).toBe(model[wallet.currency]);
            expect(wallet.balance).toBe(sum);
            expect(wallet.balance).toBeGreaterThanOrEqual(0);
            let running = 0;
            for (const e of own) {
              expect(e.before_balance).toBe(running);
              expect(e.after_balance).toBe(e.is_credit ? running + e.amount : running - e.amount);
              expect(e.after_balance).toBeGreaterThanOrEqual(0);
              running = e.after_balance;
            }
          }
        } finally {
          await engine.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
