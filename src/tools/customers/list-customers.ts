import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { customerSchema } from '../schemas/customer.js';

export const listCustomers = defineTool({
  name: 'list_customers',
  resource: 'customers',
  operation: 'read',
  title: 'List customers',
  description:
    'Lists customers, newest first, one page at a time. Filter by email (exact, case-insensitive) to see who ' +
    'holds an address; when several do, checkouts attach purchases to the oldest, the last match. Use ' +
    'get_customer when you already have the id.',
  input: z.object({
    email: z.string().min(1).optional().describe('Only customers with exactly this email, case-insensitive.'),
    ...pageInput,
  }),
  output: pageOutput(customerSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.customers.list(filter, { page_size, page_number }),
});
