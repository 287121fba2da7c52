import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { currencySchema, MAX_AMOUNT } from '../schemas/common.js';
import { customerIdInput } from '../schemas/customer.js';
import { entryTypeSchema, ledgerEntrySchema, walletSchema } from '../schemas/wallet.js';

export const createWalletLedgerEntry = defineTool({
  name: 'create_wallet_ledger_entry',
  resource: 'wallets',
  operation: 'write',
  title: 'Create wallet ledger entry',
  description:
    'Credits or debits a customer’s wallet as a merchant adjustment; a debit above the balance is INSUFFICIENT_WALLET_FUNDS. A repeated idempotency_key returns the original entry with duplicate: true, so send one whenever a retry is possible.',
  input: z.object({
    customer_id: customerIdInput,
    amount: z.number().int().min(1).max(MAX_AMOUNT).describe('Minor units.'),
    currency: currencySchema.describe('The wallet: one per currency.'),
    entry_type: entryTypeSchema,
    reason: z.string().max(500).optional().describe('Kept on the entry, e.g. "Welcome bonus".'),
    idempotency_key: z.string().min(1).max(255).optional().describe('Unique per customer; a repeat adds nothing.'),
  }),
  output: z.object({
    wallet: walletSchema.describe('The wallet the entry moved, as it is now.'),
    entry: ledgerEntrySchema.describe('The entry written, or the original one on a repeated idempotency_key.'),
    duplicate: z.boolean().describe('True when idempotency_key matched an earlier entry and nothing was added.'),
  }),
  // Without idempotency_key a repeat credits twice, so the tool as a whole is not idempotent.
  hints: { idempotentHint: false },
  handler: (engine, { customer_id, ...entry }) => engine.wallets.createLedgerEntry(customer_id, entry),
});
