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
    'Returns a customer’s credit wallets (USD, INR) and total_balance_usd at the fixed rate 1 USD = 83 INR. Wallet credit pays subscription charges in its currency before the card.',
  input: z.object({ customer_id: customerIdInput }),
  output: customerWalletsSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.wallets.list(args.customer_id),
});
