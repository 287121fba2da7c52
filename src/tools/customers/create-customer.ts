import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { customerFields, customerSchema } from '../schemas/customer.js';

export const createCustomer = defineTool({
  name: 'create_customer',
  resource: 'customers',
  operation: 'write',
  title: 'Create customer',
  description:
    'Creates a customer with empty USD and INR wallets. It always creates a new one, even for an email in use (checkouts attach to the oldest), so check list_customers by email first.',
  input: z.object({
    ...customerFields,
    phone_number: customerFields.phone_number.optional(),
    metadata: customerFields.metadata.optional(),
  }),
  output: customerSchema,
  handler: (engine, args) => engine.customers.create(args),
});
