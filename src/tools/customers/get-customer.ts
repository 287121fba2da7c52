import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { customerIdInput, customerSchema } from '../schemas/customer.js';

export const getCustomer = defineTool({
  name: 'get_customer',
  resource: 'customers',
  operation: 'read',
  title: 'Get customer',
  description: 'Returns one customer by id: email, name, phone number and metadata. get_customer_wallets shows their credit.',
  input: z.object({ customer_id: customerIdInput }),
  output: customerSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.customers.get(args.customer_id),
});
