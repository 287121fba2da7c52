import { z } from 'zod';
import { EFFECTIVE_AT, ON_PAYMENT_FAILURE, PRORATION_BILLING_MODES } from '../../engine/rules/plan-change-modes.js';
import { MAX_TAX_RATE_BPS } from '../../engine/settings/service.js';
import { isoInstant } from './common.js';

const allowMultiple = 'A customer may hold several active subscriptions (default true).';
const allowUpdates = 'Customers may change plans in the portal (default false).';
const taxRate = 'Basis points on every line: 1800 = 18 % (default 0).';
const inherited = 'Portal plan changes where the collection leaves it null';

/** SPEC D18: the plan-change defaults a collection's null fields inherit. */
const planChangeDefaults = {
  proration_billing_mode_on_upgrade: z.enum(PRORATION_BILLING_MODES).describe(`${inherited} (default prorated_immediately).`),
  proration_billing_mode_on_downgrade: z.enum(PRORATION_BILLING_MODES).describe(`${inherited} (default prorated_immediately).`),
  effective_at_on_upgrade: z.enum(EFFECTIVE_AT).describe(`${inherited} (default immediately).`),
  effective_at_on_downgrade: z.enum(EFFECTIVE_AT).describe(`${inherited} (default next_billing_date).`),
  on_payment_failure: z.enum(ON_PAYMENT_FAILURE).describe('Any plan change that does not say (default apply_change).'),
};

export const businessSettingsSchema = z.object({
  business_id: z.string().describe('The business id (bus_…).'),
  allow_multiple_subscriptions: z.boolean().describe(allowMultiple),
  allow_subscription_updates: z.boolean().describe(allowUpdates),
  default_tax_rate_bps: z.number().int().describe(taxRate),
  ...planChangeDefaults,
  updated_at: isoInstant,
});

/** Every setting update_business_settings may change; omitted ones stay. */
export const businessSettingsFields = {
  allow_multiple_subscriptions: z.boolean().describe(allowMultiple),
  allow_subscription_updates: z.boolean().describe(allowUpdates),
  default_tax_rate_bps: z.number().int().min(0).max(MAX_TAX_RATE_BPS).describe(taxRate),
  ...planChangeDefaults,
};
