import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf, MAX_AMOUNT, metadataSchema } from '../schemas/common.js';
import { paymentSchema } from '../schemas/payment.js';

export const chargeSubscription = defineTool({
  name: 'charge_subscription',
  resource: 'subscriptions',
  operation: 'write',
  title: 'Charge an on-demand subscription',
  description:
    'Charges an active on-demand subscription a custom amount now, to its saved method; subscription and wallet credit apply first, then tax. A decline is a failed payment, not an error.',
  input: z.object({
    subscription_id: idOf('on-demand subscription', 'sub'),
    product_price: z.number().int().max(MAX_AMOUNT).describe('Minor units, at least 50.'),
    product_currency: z.string().optional().describe('Must be the subscription’s.'),
    product_description: z.string().optional().describe('Line text on payment and invoice, ≤ 1000 characters.'),
    metadata: metadataSchema.optional().describe('Of the payment; default the subscription’s.'),
  }),
  output: paymentSchema,
  handler: (engine, { subscription_id, ...charge }) => engine.subscriptions.charge(subscription_id, charge),
});
