import { z } from 'zod';
import { MAX_TAX_RATE_BPS } from '../../engine/settings/service.js';
import { isoInstant } from './common.js';

const allowMultiple = 'A customer may hold several active subscriptions (default true).';
const allowUpdates = 'Customers may change plans in the portal (default false).';
const taxRate = 'Basis points on every line: 1800 = 18 % (default 0).';

export const businessSettingsSchema = z.object({
  business_id: z.string().describe('The business id (bus_…).'),
  allow_multiple_subscriptions: z.boolean().describe(allowMultiple),
  allow_subscription_updates: z.boolean().describe(allowUpdates),
  default_tax_rate_bps: z.number().int().describe(taxRate),
  updated_at: isoInstant,
});

/** Every setting update_business_settings may change; omitted ones stay. */
export const businessSettingsFields = {
  allow_multiple_subscriptions: z.boolean().describe(allowMultiple),
  allow_subscription_updates: z.boolean().describe(allowUpdates),
  default_tax_rate_bps: z.number().int().min(0).max(MAX_TAX_RATE_BPS).describe(taxRate),
};
