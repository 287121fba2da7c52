import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { checkoutSessionSchema } from '../schemas/checkout.js';

export const getCheckoutSession = defineTool({
  name: 'get_checkout_session',
  resource: 'checkout',
  operation: 'read',
  title: 'Get checkout session',
  description:
    'Returns a checkout session: status, cart or selected collection product, customer, latest payment and a price summary at today’s prices.',
  input: z.object({ session_id: z.string().min(1).describe('The session id (cks_…).') }),
  output: checkoutSessionSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.checkout.get(args.session_id),
});
