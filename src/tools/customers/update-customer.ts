import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { customerFields, customerIdInput, customerSchema } from '../schemas/customer.js';

export const updateCustomer = defineTool({
  name: 'update_customer',
  resource: 'customers',
  operation: 'write',
  title: 'Update customer',
  description:
    'Changes the given fields of a customer; omitted fields stay and metadata replaces the whole map. A new email decides which future purchases attach to this customer.',
  input: z.object({ customer_id: customerIdInput, ...z.object(customerFields).partial().shape }),
  output: customerSchema,
  hints: { idempotentHint: true },
  handler: (engine, { customer_id, ...changes }) => engine.customers.update(customer_id, changes),
});
