import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { customerFields, customerSchema } from '../schemas/customer.js';

export const createCustomer = defineTool({
  name: 'create_customer',
  resource: 'customers',
  operation: 'write',
  title: 'Create customer',
  description:
    'Creates a customer with an email (stored in lower case) and a name, plus an empty wallet in USD and INR ' +
    '(balance 0). It always creates a new customer, even for an email already in use; checkouts attach a purchase ' +
    'to the oldest customer with the buyer’s email, so call list_customers with email first to avoid duplicates. ' +
    'Returns the customer with its cus_ id. Customers are never deleted.',
  input: z.object({
    ...customerFields,
    phone_number: customerFields.phone_number.optional(),
    metadata: customerFields.metadata.optional(),
  }),
  output: customerSchema,
  handler: (engine, args) => engine.customers.create(args),
});
