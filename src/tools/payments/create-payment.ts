import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { cartLineInput } from '../schemas/checkout.js';
import { metadataSchema } from '../schemas/common.js';
import { billingAddressInput, paymentSchema } from '../schemas/payment.js';

export const createPayment = defineTool({
  name: 'create_payment',
  resource: 'payments',
  operation: 'write',
  title: 'Charge a saved payment method',
  description:
    'Charges an existing customer’s saved payment method for one-time products at once, with no checkout page. Subscriptions are refused: use create_checkout_session. A decline is a failed payment, not an error.',
  input: z.object({
    customer_id: z.string().min(1).describe('The buyer (cus_…).'),
    payment_method_id: z.string().min(1).describe('A saved method of that customer (pm_…); list_customer_payment_methods shows them.'),
    product_cart: z
      .array(cartLineInput.omit({ addons: true }))
      .max(50)
      .describe('One-time products to buy; pay-what-you-want lines need amount.'),
    discount_code: z.string().optional().describe('A discount code to apply, any case.'),
    billing: billingAddressInput.optional(),
    metadata: metadataSchema.optional(),
  }),
  output: paymentSchema,
  handler: (engine, args) => engine.payments.create(args),
});
