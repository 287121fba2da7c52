import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import { reusableQuery } from '../db/reusable.js';
import type { WalletLedgerEntriesTable, WalletsTable } from '../db/schema.js';
import type { Currency } from '../money.js';
import { fromFlag } from '../shared/flags.js';
import type { PageWindow } from '../shared/paging.js';
import type { LedgerEventType, Wallet, WalletLedgerEntry } from './types.js';

function toWallet(row: WalletsTable): Wallet {
  return {
    customer_id: row.customer_id,
    currency: row.currency as Currency,
    balance: Number(row.balance),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function toEntry(row: WalletLedgerEntriesTable): WalletLedgerEntry {
  return {
    id: row.entry_id,
    customer_id: row.customer_id,
    currency: row.currency as Currency,
    amount: Number(row.amount),
    is_credit: fromFlag(row.is_credit),
    before_balance: Number(row.before_balance),
    after_balance: Number(row.after_balance),
    event_type: row.event_type as LedgerEventType,
    reason: row.reason,
    reference_object_id: row.reference_object_id,
    idempotency_key: row.idempotency_key,
    created_at: iso(row.created_at),
  };
}

/** Opens empty wallets; a wallet that already exists is left as it is. */
export async function insertEmptyWallets(db: Db, customerId: string, currencies: readonly Currency[], now: number): Promise<void> {
  if (currencies.length === 0) return;
  await db
    .insertInto('wallets')
    .values(currencies.map((currency) => ({ customer_id: customerId, currency, balance: 0, created_at: now, updated_at: now })))
    .onConflict((oc) => oc.columns(['customer_id', 'currency']).doNothing())
    .execute();
}

export async function findWallets(db: Db, customerId: string): Promise<Wallet[]> {
  const rows = await db.selectFrom('wallets').selectAll().where('customer_id', '=', customerId).execute();
  return rows.map(toWallet);
}

export async function findWallet(db: Db, customerId: string, currency: Currency): Promise<Wallet | undefined> {
  const [row] = (await selectWallet(db, customerId, currency)).rows;
  return row && toWallet(row);
}

const selectWallet = reusableQuery((db: Db, customerId: string, currency: string) =>
  db.selectFrom('wallets').selectAll().where('customer_id', '=', customerId).where('currency', '=', currency),
);

/**
 * Moves a balance from `before` to `after` only if it still holds `before` (compare-and-set), so a
 * concurrent writer on PostgreSQL cannot be overwritten. Returns false when the balance had moved.
 */
export async function setWalletBalance(db: Db, customerId: string, currency: Currency, before: number, after: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('wallets')
    .set({ balance: after, updated_at: now })
    .where('customer_id', '=', customerId)
    .where('currency', '=', currency)
    .where('balance', '=', before)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function nextLedgerSequence(db: Db, customerId: string): Promise<number> {
  const row = await db
    .selectFrom('wallet_ledger_entries')
    .select((eb) => eb.fn.max('sequence').as('last'))
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}

export async function insertLedgerEntry(db: Db, row: WalletLedgerEntriesTable): Promise<WalletLedgerEntry> {
  await db.insertInto('wallet_ledger_entries').values(row).execute();
  return toEntry(row);
}

export async function findEntryByIdempotencyKey(db: Db, customerId: string, key: string): Promise<WalletLedgerEntry | undefined> {
  const row = await db
    .selectFrom('wallet_ledger_entries')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row && toEntry(row);
}

/** Newest first, by the order the entries were written. */
export async function listLedgerEntries(
  db: Db,
  customerId: string,
  currency: Currency | undefined,
  window: PageWindow,
): Promise<WalletLedgerEntry[]> {
  let query = db.selectFrom('wallet_ledger_entries').selectAll().where('customer_id', '=', customerId);
  if (currency !== undefined) query = query.where('currency', '=', currency);
  const rows = await query.orderBy('sequence', 'desc').limit(window.fetch).offset(window.offset).execute();
  return rows.map(toEntry);
}
