import { z } from 'zod';
import { LICENSE_KEY_STATUSES, VALIDATION_REASONS } from '../../engine/index.js';
import { isoInstant } from './common.js';

export const licenseKeyStatusSchema = z
  .enum(LICENSE_KEY_STATUSES)
  .describe('active: validates and activates; expired: past expires_at or its subscription ended; disabled: turned off by the merchant.');

export const licenseKeySchema = z.object({
  id: z.string().describe('The license key id (lic_…).'),
  key: z.string().describe('The key the customer enters, six groups of five characters: 7K3QD-M9XRT-…'),
  business_id: z.string().describe('The business the key belongs to (bus_…).'),
  customer_id: z.string().describe('The customer who bought it (cus_…).'),
  product_id: z.string().describe('The licensed product (pdt_…).'),
  payment_id: z.string().nullable().describe('The payment that issued it (pay_…).'),
  subscription_id: z.string().nullable().describe('The subscription it follows (sub_…); null for one-time purchases.'),
  status: licenseKeyStatusSchema,
  activations_limit: z.number().int().nullable().describe('Most instances at once; null = unlimited.'),
  instances_count: z.number().int().describe('Instances activated now.'),
  expires_at: isoInstant.nullable().describe('When it expires (ISO-8601 UTC); null = never (subscription keys follow their subscription).'),
  source: z.enum(['auto', 'import']).describe('auto: issued by a purchase.'),
  created_at: isoInstant.describe('When it was issued (ISO-8601 UTC).'),
});

export const licenseKeyInstanceSchema = z.object({
  id: z.string().describe('The instance id (lki_…).'),
  license_key_id: z.string().describe('The key it activates (lic_…).'),
  name: z.string().describe('The device or seat name given at activation.'),
  business_id: z.string().describe('The business (bus_…).'),
  created_at: isoInstant.describe('When it was activated (ISO-8601 UTC).'),
});

export const activatedInstanceSchema = licenseKeyInstanceSchema.extend({
  product: z
    .object({ product_id: z.string().describe('The product id (pdt_…).'), name: z.string().describe('The product name.') })
    .describe('The licensed product.'),
  customer: z
    .object({
      customer_id: z.string().describe('The customer id (cus_…).'),
      email: z.string().describe("The customer's email."),
      name: z.string().describe("The customer's name."),
    })
    .describe('Who owns the key.'),
});

export const licenseKeyInput = z.string().max(200).describe('Case, spaces and dashes are ignored.');

export const validationSchema = z.object({
  valid: z.boolean().describe('True when the key (and the instance, if given) may be used now.'),
  reason: z
    .enum(VALIDATION_REASONS)
    .optional()
    .describe(
      'Why not: unknown key, disabled, expired, instance_not_found (not an instance of this key) or subscription_inactive (cancelled or expired).',
    ),
  license_key: licenseKeySchema.optional().describe('The key, when it exists.'),
});
