import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { isoInstant } from '../schemas/common.js';
import { customerIdInput } from '../schemas/customer.js';

// Dodo's send_email is not taken: test mode sends no email (SPEC §5), so the engine could not honour it.
export const createCustomerPortalSession = defineTool({
  name: 'create_customer_portal_session',
  resource: 'customers',
  operation: 'write',
  title: 'Create customer portal session',
  description:
    'Returns a link to the customer portal for one customer, valid 24 hours: subscriptions, plan changes, cancel, card update, invoices, license keys, profile.',
  input: z.object({
    customer_id: customerIdInput,
    return_url: z.string().optional().describe('http(s) URL of a "Back to" link in the portal.'),
  }),
  output: z.object({
    link: z.string().describe('Open in a browser; only this customer’s data.'),
    expires_at: isoInstant,
  }),
  handler: (engine, { customer_id, return_url }) => engine.portal.sessions.create(customer_id, { return_url }),
});
