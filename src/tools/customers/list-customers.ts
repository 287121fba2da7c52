import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { customerSchema } from '../schemas/customer.js';

export const listCustomers = defineTool({
  name: 'list_customers',
  resource: 'customers',
  operation: 'read',
  title: 'List customers',
  description: 'Lists customers, newest first. Filter by email to see who holds an address; checkouts attach purchases to the oldest.',
  input: z.object({
    email: z.string().min(1).optional().describe('Exact email, any case.'),
    ...pageInput,
  }),
  output: pageOutput(customerSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.customers.list(filter, { page_size, page_number }),
});
