import { z } from 'zod';
import { pageOf } from '../../engine/index.js';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { customerIdInput, paymentMethodSchema } from '../schemas/customer.js';

export const listCustomerPaymentMethods = defineTool({
  name: 'list_customer_payment_methods',
  resource: 'customers',
  operation: 'read',
  title: 'List customer payment methods',
  description: 'Lists the cards a customer saved, newest first, each with its test_failure_code (null when charges succeed).',
  input: z.object({ customer_id: customerIdInput, ...pageInput }),
  output: pageOutput(paymentMethodSchema),
  hints: { idempotentHint: true },
  handler: async (engine, { customer_id, ...page }) => pageOf(await engine.customers.listPaymentMethods(customer_id), page),
});
