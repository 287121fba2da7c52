import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { customerIdInput } from '../schemas/customer.js';
import { customerWalletsSchema } from '../schemas/wallet.js';

export const getCustomerWallets = defineTool({
  name: 'get_customer_wallets',
  resource: 'wallets',
  operation: 'read',
  title: 'Get customer wallets',
  description:
    'Returns a customer’s credit wallets, one per currency (USD, INR), with balances in minor units (6000 = ' +
    '$60.00), and total_balance_usd: everything in US cents at the fixed test-mode rate 1 USD = 83 INR. Wallet ' +
    'credit pays subscription charges in the same currency before the card. Use list_wallet_ledger_entries for ' +
    'the history behind a balance.',
  input: z.object({ customer_id: customerIdInput }),
  output: customerWalletsSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.wallets.list(args.customer_id),
});
