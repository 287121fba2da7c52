import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { customerIdInput, customerSchema } from '../schemas/customer.js';

export const getCustomer = defineTool({
  name: 'get_customer',
  resource: 'customers',
  operation: 'read',
  title: 'Get customer',
  description:
    'Returns one customer by id: email, name, phone number, metadata and timestamps. Use list_customers to find ' +
    'an id by email; get_customer_wallets shows the customer’s credit balances.',
  input: z.object({ customer_id: customerIdInput }),
  output: customerSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.customers.get(args.customer_id),
});
