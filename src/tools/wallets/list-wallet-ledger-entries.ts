import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { currencySchema, pageInput, pageOutput } from '../schemas/common.js';
import { customerIdInput } from '../schemas/customer.js';
import { ledgerEntrySchema } from '../schemas/wallet.js';

export const listWalletLedgerEntries = defineTool({
  name: 'list_wallet_ledger_entries',
  resource: 'wallets',
  operation: 'read',
  title: 'List wallet ledger entries',
  description: 'Lists a customer’s wallet credits and debits, newest first, with balances before and after and what caused each.',
  input: z.object({
    customer_id: customerIdInput,
    currency: currencySchema.optional().describe('Only this wallet.'),
    ...pageInput,
  }),
  output: pageOutput(ledgerEntrySchema),
  hints: { idempotentHint: true },
  handler: (engine, { customer_id, currency, page_size, page_number }) =>
    engine.wallets.listLedgerEntries(customer_id, { currency }, { page_size, page_number }),
});
