import { z } from 'zod';
import { isoInstant } from './common.js';

const statementDescriptor = 'On the buyer’s card statement.';

export const brandSchema = z.object({
  brand_id: z.string().describe('The brand id (brnd_…).'),
  business_id: z.string().describe('The business the brand belongs to (bus_…).'),
  name: z.string().describe('Name shown at checkout and on receipts.'),
  description: z.string().nullable().describe('What the brand sells.'),
  url: z.string().nullable().describe('Website or social profile URL.'),
  image: z.string().nullable().describe('Logo URL.'),
  statement_descriptor: z.string().nullable().describe(statementDescriptor),
  support_email: z.string().nullable().describe('Support address shown to buyers.'),
  enabled: z.boolean().describe('False while the brand is suspended: only its own sales stop.'),
  verification_status: z.string().describe('Website verification; test mode verifies at once: Success.'),
  is_primary: z.boolean().describe('True for the business’s own brand, created with it; update_brand cannot edit it.'),
  created_at: isoInstant,
  updated_at: isoInstant,
});

/** The fields create_brand and update_brand share (update makes them all optional). */
export const brandFields = {
  name: z.string().min(1).max(100).describe('Shown at checkout and on receipts.'),
  description: z.string().max(1000).nullable().describe('What the brand sells.'),
  url: z.string().nullable().describe('Website or social profile URL.'),
  image: z.string().nullable().describe('Logo URL.'),
  statement_descriptor: z.string().min(5).max(22).nullable().describe(statementDescriptor),
  support_email: z.string().nullable().describe('Support email shown to buyers.'),
};
