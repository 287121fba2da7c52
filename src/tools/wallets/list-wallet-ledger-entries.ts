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
  description:
    'Lists a customer’s wallet ledger, newest first, one page at a time: every credit and debit with amount, ' +
    'balance before and after (minor units), event_type (merchant_adjustment, payment …), reason and the payment ' +
    'it references. Filter by currency for one wallet. get_customer_wallets gives the current balances.',
  input: z.object({
    customer_id: customerIdInput,
    currency: currencySchema.optional().describe('Only entries of this wallet: USD or INR.'),
    ...pageInput,
  }),
  output: pageOutput(ledgerEntrySchema),
  hints: { idempotentHint: true },
  handler: (engine, { customer_id, currency, page_size, page_number }) =>
    engine.wallets.listLedgerEntries(customer_id, { currency }, { page_size, page_number }),
});
