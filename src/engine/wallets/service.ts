import type { Db } from '../db/database.js';
import { BillingError } from '../errors.js';
import { assertCurrency, type Currency, isSupportedCurrency, SUPPORTED_CURRENCIES } from '../money.js';
import type { Scope } from '../scope.js';
import { toFlag } from '../shared/flags.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { creditToApply } from './credit.js';
import { toUsdMinor } from './fx.js';
import {
  findEntryByIdempotencyKey,
  findWallet,
  findWallets,
  insertEmptyWallets,
  insertLedgerEntry,
  listLedgerEntries,
  nextLedgerSequence,
  setWalletBalance,
} from './repo.js';
import {
  ENTRY_TYPES,
  type CustomerWallets,
  type LedgerEntryResult,
  type LedgerEventType,
  type LedgerFilter,
  type NewLedgerEntry,
  type Wallet,
  type WalletLedgerEntry,
} from './types.js';

const MAX_REASON_LENGTH = 500;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

interface EntryToWrite {
  currency: Currency;
  amount: number;
  is_credit: boolean;
  event_type: LedgerEventType;
  reason: string | null;
  reference_object_id: string | null;
  idempotency_key: string | null;
}

/**
 * Customer wallets and their ledger (SPEC §1.7, §2.11). Every balance change writes one ledger entry
 * with the balance before and after, in the same transaction, so a balance always equals the sum of its
 * entries. No balance ever goes below 0. Wallets emit no webhooks.
 */
export class WalletService {
  constructor(private readonly scope: Scope) {}

  /** One wallet per supported currency (USD, INR), and their total in US cents at the test-mode rate. */
  async list(customerId: string): Promise<CustomerWallets> {
    const customer = await this.scope.customers.get(customerId);
    const stored = await findWallets(this.scope.db, customerId);
    // Wallets are opened with the customer; one missing (a customer made before wallets existed) reads as empty.
    const items = SUPPORTED_CURRENCIES.map(
      (currency): Wallet =>
        stored.find((w) => w.currency === currency) ?? {
          customer_id: customerId,
          currency,
          balance: 0,
          created_at: customer.created_at,
          updated_at: customer.created_at,
        },
    );
    const total_balance_usd = items.reduce((sum, w) => sum + toUsdMinor(w.balance, w.currency), 0);
    return { items, total_balance_usd };
  }

  /**
   * A merchant credit or debit (event_type merchant_adjustment). A debit above the balance is
   * INSUFFICIENT_WALLET_FUNDS and changes nothing: balance 500, debit 800 → refused, still 500.
   * A repeated idempotency_key for the customer adds nothing and returns the original entry with
   * duplicate: true; the same key with a different amount, currency or direction is CONFLICT.
   */
  async createLedgerEntry(customerId: string, input: NewLedgerEntry): Promise<LedgerEntryResult> {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        `amount must be a whole number of minor units > 0 (500 = $5.00), got ${input.amount}`,
        'send a positive integer amount and pick credit or debit with entry_type',
      );
    }
    const currency = assertCurrency(input.currency);
    if (!(ENTRY_TYPES as readonly string[]).includes(input.entry_type)) {
      throw new BillingError('INVALID_REQUEST_BODY', `entry_type must be credit or debit, got ${String(input.entry_type)}`, 'send credit or debit');
    }
    const reason = input.reason ?? null;
    if (reason !== null) checkText('reason', reason, { max: MAX_REASON_LENGTH });
    const idempotency_key = input.idempotency_key ?? null;
    if (idempotency_key !== null) checkText('idempotency_key', idempotency_key, { min: 1, max: MAX_IDEMPOTENCY_KEY_LENGTH });
    const is_credit = input.entry_type === 'credit';

    return this.scope.transaction(async (tx) => {
      await tx.customers.get(customerId);
      if (idempotency_key !== null) {
        const original = await findEntryByIdempotencyKey(tx.db, customerId, idempotency_key);
        if (original) {
          if (original.amount !== input.amount || original.currency !== currency || original.is_credit !== is_credit) {
            throw new BillingError(
              'CONFLICT',
              `idempotency_key "${idempotency_key}" was used for a ${original.is_credit ? 'credit' : 'debit'} of ` +
                `${original.amount} ${original.currency} (${original.id}); this request differs`,
              'use a new idempotency_key for a different entry',
            );
          }
          return { wallet: await walletOf(tx.db, customerId, currency), entry: original, duplicate: true };
        }
      }
      const entry = await writeEntry(tx, customerId, {
        currency,
        amount: input.amount,
        is_credit,
        event_type: 'merchant_adjustment',
        reason,
        reference_object_id: null,
        idempotency_key,
      });
      return { wallet: await walletOf(tx.db, customerId, currency), entry, duplicate: false };
    });
  }

  /** Newest first; `currency` keeps one wallet's entries. */
  async listLedgerEntries(customerId: string, filter: LedgerFilter = {}, page?: PageRequest): Promise<Page<WalletLedgerEntry>> {
    const currency = filter.currency === undefined ? undefined : assertCurrency(filter.currency);
    await this.scope.customers.get(customerId);
    const window = pageWindow(page);
    return toPage(window, await listLedgerEntries(this.scope.db, customerId, currency, window));
  }

  /** Opens the customer's empty wallets, one per supported currency, in the transaction creating the customer. */
  async open(customerId: string, now: number): Promise<void> {
    await insertEmptyWallets(this.scope.db, customerId, SUPPORTED_CURRENCIES, now);
  }

  /** The customer's wallet in `currency`, or undefined when it was never opened (it reads as empty). */
  find(customerId: string, currency: Currency): Promise<Wallet | undefined> {
    return findWallet(this.scope.db, customerId, currency);
  }

  /**
   * For subscription charges (SPEC §2.5, D4: after discount and subscription credit, before tax): takes
   * min(balance, maxAmount) from the same-currency wallet as one `payment` entry referencing the payment,
   * and returns the minor units used. Credit 6000 vs charge 2000 → 2000 used, 4000 left; 6000 vs 10000
   * → 6000 used. Nothing to use writes nothing and returns 0. Runs in the caller's transaction: call it on
   * the scope of the charge (`tx.wallets`).
   */
  async applyCredit(customerId: string, currency: string, maxAmount: number, referenceObjectId: string): Promise<number> {
    if (!this.scope.db.isTransaction) throw new Error('applyCredit must run inside the transaction of the charge it reduces');
    if (!isSupportedCurrency(currency) || maxAmount === 0) return 0;
    const wallet = await findWallet(this.scope.db, customerId, currency);
    const { used } = creditToApply(wallet?.balance ?? 0, maxAmount);
    if (used === 0) return 0;
    await writeEntry(this.scope, customerId, {
      currency,
      amount: used,
      is_credit: false,
      event_type: 'payment',
      reason: null,
      reference_object_id: referenceObjectId,
      idempotency_key: null,
    });
    return used;
  }

  /**
   * Gives back credit that applyCredit took for a payment that then failed or was cancelled: one
   * `payment_reversal` credit entry of `amount` minor units referencing the payment. Caller's transaction.
   */
  async reverseCredit(customerId: string, currency: Currency, amount: number, referenceObjectId: string): Promise<void> {
    if (!this.scope.db.isTransaction) throw new Error('reverseCredit must run inside the transaction of the payment it reverses');
    if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`reverseCredit needs whole minor units ≥ 0, got ${amount}`);
    if (amount === 0) return;
    await writeEntry(this.scope, customerId, {
      currency,
      amount,
      is_credit: true,
      event_type: 'payment_reversal',
      reason: null,
      reference_object_id: referenceObjectId,
      idempotency_key: null,
    });
  }
}

/**
 * The one place a balance moves: reads it, refuses to go below 0, writes the balance (compare-and-set)
 * and the entry with before/after balances. 500 − 800 → INSUFFICIENT_WALLET_FUNDS.
 */
async function writeEntry(tx: Scope, customerId: string, entry: EntryToWrite): Promise<WalletLedgerEntry> {
  const db = tx.db;
  const now = tx.clock.now();
  await insertEmptyWallets(db, customerId, [entry.currency], now);
  const wallet = await findWallet(db, customerId, entry.currency);
  if (!wallet) throw new Error(`wallet ${customerId}/${entry.currency} missing right after it was opened`);
  const before = wallet.balance;
  const after = entry.is_credit ? before + entry.amount : before - entry.amount;
  if (after < 0) {
    throw entry.event_type === 'merchant_adjustment'
      ? new BillingError(
          'INSUFFICIENT_WALLET_FUNDS',
          `Insufficient funds in wallet: the ${entry.currency} wallet of ${customerId} holds ${before}, ` +
            `a debit of ${entry.amount} would take it below 0`,
          `debit at most ${before}; get_customer_wallets shows the balances`,
        )
      : new BillingError('NEGATIVE_BALANCE_ADJUSTMENT', 'Wallet balance is not allowed to be made negative');
  }
  if (!Number.isSafeInteger(after)) {
    throw new BillingError('INVALID_REQUEST_BODY', `a balance of ${after} minor units is beyond what the engine can hold`, 'credit a smaller amount');
  }
  if (!(await setWalletBalance(db, customerId, entry.currency, before, after, now))) {
    throw new BillingError('CONFLICT', `the ${entry.currency} wallet of ${customerId} changed during this request`, 'retry the request');
  }
  return insertLedgerEntry(db, {
    entry_id: tx.ids.next('walletLedgerEntry'),
    customer_id: customerId,
    currency: entry.currency,
    amount: entry.amount,
    is_credit: toFlag(entry.is_credit),
    before_balance: before,
    after_balance: after,
    event_type: entry.event_type,
    reason: entry.reason,
    reference_object_id: entry.reference_object_id,
    idempotency_key: entry.idempotency_key,
    sequence: await nextLedgerSequence(db, customerId),
    created_at: now,
  });
}

async function walletOf(db: Db, customerId: string, currency: Currency): Promise<Wallet> {
  const wallet = await findWallet(db, customerId, currency);
  if (!wallet) throw new Error(`wallet ${customerId}/${currency} missing after a ledger entry`);
  return wallet;
}
