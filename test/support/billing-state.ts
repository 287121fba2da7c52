import type { Engine } from '../../src/engine/index.js';

/**
 * Every row the customer and wallet tools can write, so a test can assert that a refused call changed
 * nothing: row counts and the rows themselves of customers, payment methods, wallets and the ledger.
 */
export async function billingState(engine: Engine) {
  const db = engine.ctx.db;
  const [customers, payment_methods, wallets, wallet_ledger_entries] = await Promise.all([
    db.selectFrom('customers').selectAll().orderBy('customer_id').execute(),
    db.selectFrom('payment_methods').selectAll().orderBy('payment_method_id').execute(),
    db.selectFrom('wallets').selectAll().orderBy('customer_id').orderBy('currency').execute(),
    db.selectFrom('wallet_ledger_entries').selectAll().orderBy('entry_id').execute(),
  ]);
  return {
    counts: {
      customers: customers.length,
      payment_methods: payment_methods.length,
      wallets: wallets.length,
      wallet_ledger_entries: wallet_ledger_entries.length,
    },
    customers,
    payment_methods,
    wallets,
    wallet_ledger_entries,
  };
}
