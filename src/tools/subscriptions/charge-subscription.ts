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
    'Charges an active on-demand subscription a custom amount now, to its saved method. product_price is minor units ' +
    '(2500 = $25.00, at least 50); subscription and wallet credit apply first, then tax. Regular subscriptions renew on ' +
    'their own and are refused. Returns the payment, succeeded or failed (a decline is not an error).',
  input: z.object({
    subscription_id: idOf('on-demand subscription', 'sub'),
    product_price: z.number().int().max(MAX_AMOUNT).describe('Amount to charge in minor units, 50–10000000000: 2500 = $25.00.'),
    product_currency: z.string().optional().describe('Currency of the charge; must be the subscription’s (USD or INR).'),
    product_description: z.string().optional().describe('Line description on the payment and invoice, ≤ 1000 characters.'),
    metadata: metadataSchema.optional().describe('Metadata for the payment; default the subscription’s.'),
  }),
  output: paymentSchema,
  handler: (engine, { subscription_id, ...charge }) => engine.subscriptions.charge(subscription_id, charge),
});
