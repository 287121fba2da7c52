import { z } from 'zod';
import { payWithOf } from '../../engine/index.js';
import { defineTool } from '../define-tool.js';
import { cardInput } from '../schemas/checkout.js';
import { minorUnits } from '../schemas/common.js';
import { paymentSchema } from '../schemas/payment.js';

export const completeCheckoutSession = defineTool({
  name: 'complete_checkout_session',
  resource: 'checkout',
  operation: 'write',
  title: 'Complete checkout session (test mode)',
  description:
    'Pays an open checkout session as the buyer would, with a card or a saved payment_method_id. A decline returns the failed payment and leaves the session open; a subscription cart starts the subscription (a trial with a $0 payment).',
  input: z.object({
    session_id: z.string().min(1).describe('The session to pay (cks_…).'),
    card: cardInput.optional(),
    payment_method_id: z.string().optional().describe('A saved method of the session’s customer, instead of card.'),
    product_id: z.string().optional().describe('Collection checkouts: buy this product instead of the selected one.'),
    customer: z
      .strictObject({
        email: z.string().optional().describe('Buyer email.'),
        name: z.string().optional().describe('Buyer full name.'),
        phone_number: z.string().nullable().optional().describe('Buyer phone, international form.'),
      })
      .optional()
      .describe('Only when the session has no customer; email and name then required.'),
    amounts: z
      .array(
        z.strictObject({
          product_id: z.string().describe('A pay-what-you-want product in the cart.'),
          amount: minorUnits('Chosen price per unit, ≥ the product price'),
        }),
      )
      .max(50)
      .optional()
      .describe('Pay-what-you-want amounts for cart lines that have none yet.'),
  }),
  output: z.object({
    session_id: z.string().describe('The session (cks_…).'),
    status: z.enum(['open', 'completed', 'expired']).describe('completed when paid; open after a failed payment.'),
    payment: paymentSchema.describe('The payment made, succeeded or failed.'),
    subscription_id: z.string().nullable().describe('The subscription started, or null.'),
    redirect_url: z.string().nullable().describe('return_url with payment_id and status, or null without a return_url.'),
  }),
  handler: (engine, { session_id, card, payment_method_id, ...options }) =>
    engine.checkout.complete(session_id, payWithOf({ card, payment_method_id }), options),
});
