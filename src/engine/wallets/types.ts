import type { Currency } from '../money.js';

/** What moved a wallet (SPEC §1.7). Merchant credits and debits are merchant_adjustment. */
export const LEDGER_EVENT_TYPES = [
  'payment',
  'payment_reversal',
  'refund',
  'refund_reversal',
  'dispute',
  'dispute_reversal',
  'merchant_adjustment',
] as const;
export type LedgerEventType = (typeof LEDGER_EVENT_TYPES)[number];

export const ENTRY_TYPES = ['credit', 'debit'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** One balance per (customer, currency); never below 0. */
export interface Wallet {
  customer_id: string;
  currency: Currency;
  /** Minor units: 6000 = $60.00. */
  balance: number;
  created_at: string;
  updated_at: string;
}

export interface CustomerWallets {
  /** One wallet per supported currency: USD, then INR. */
  items: Wallet[];
  /** Every balance in US cents at the fixed test-mode rate (wallets/fx.ts), summed. */
  total_balance_usd: number;
}

export interface WalletLedgerEntry {
  id: string;
  customer_id: string;
  currency: Currency;
  /** Minor units moved, always > 0; is_credit says which way. */
  amount: number;
  is_credit: boolean;
  before_balance: number;
  after_balance: number;
  event_type: LedgerEventType;
  reason: string | null;
  /** The payment, refund or dispute that moved the wallet; null for merchant adjustments. */
  reference_object_id: string | null;
  idempotency_key: string | null;
  created_at: string;
}

export interface NewLedgerEntry {
  /** Minor units, > 0. */
  amount: number;
  currency: string;
  entry_type: EntryType;
  reason?: string | null | undefined;
  idempotency_key?: string | null | undefined;
}

export interface LedgerEntryResult {
  /** The wallet the entry moved, as it is now. */
  wallet: Wallet;
  entry: WalletLedgerEntry;
  /** True when idempotency_key matched an earlier entry: that entry is returned and nothing was added. */
  duplicate: boolean;
}

export interface LedgerFilter {
  currency?: string | undefined;
}
