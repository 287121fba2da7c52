import { z } from 'zod';
import { INTERVALS, TAX_CATEGORIES } from '../../engine/index.js';
import { currencySchema, isoInstant, metadataSchema, minorUnits } from './common.js';

export const intervalSchema = z.enum(INTERVALS);
export const taxCategorySchema = z.enum(TAX_CATEGORIES).describe('Tax category.');

const discountPercent = z.number().int().min(0).max(100).describe('Percent off the price.');
const taxInclusive = z.boolean().nullable().describe('Price includes tax.');

const recurringTermsInput = {
  currency: currencySchema,
  discount: discountPercent.optional(),
  payment_frequency_count: z.number().int().min(1).describe('Intervals per cycle: 1 with Month = monthly.'),
  payment_frequency_interval: intervalSchema.describe('Billing interval.'),
  subscription_period_count: z.number().int().min(1).nullable().optional().describe('Term length (10 with Year = ten years); omit: no end.'),
  subscription_period_interval: intervalSchema.nullable().optional().describe('Unit of the term, given with its count.'),
  trial_period_days: z.number().int().min(0).max(10000).optional().describe('Free days before the first charge (default 0).'),
  tax_inclusive: taxInclusive.optional(),
};

export const priceInputSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('one_time_price'),
      currency: currencySchema,
      price: minorUnits('Price (the minimum when pay_what_you_want)'),
      discount: discountPercent.optional(),
      pay_what_you_want: z.boolean().optional().describe('Buyer chooses the amount, ≥ price.'),
      suggested_price: minorUnits('Suggested pay-what-you-want amount').nullable().optional(),
      tax_inclusive: taxInclusive.optional(),
    }),
    z.strictObject({ type: z.literal('recurring_price'), price: minorUnits('Per cycle'), ...recurringTermsInput }),
    z.strictObject({
      type: z.literal('usage_based_price'),
      fixed_price: minorUnits('Base fee per cycle (may be 0)'),
      ...recurringTermsInput,
      meters: z
        .array(
          z.strictObject({
            meter_id: z.string().describe('From create_meter or list_meters.'),
            price_per_unit: z.string().describe('Decimal minor units, > 0, e.g. "0.5".'),
            free_threshold: z.number().int().optional().describe('Free units per period (default 0).'),
            description: z.string().nullable().optional().describe('Shown with the meter.'),
          }),
        )
        .max(10)
        .optional()
        .describe('Billed in arrears: max(0, units − free_threshold) × price_per_unit; omitted on update: kept.'),
    }),
  ])
  .describe('`type` is the pricing model.');

const recurringTerms = {
  currency: currencySchema,
  discount: z.number().int(),
  payment_frequency_count: z.number().int(),
  payment_frequency_interval: intervalSchema,
  subscription_period_count: z.number().int().nullable(),
  subscription_period_interval: intervalSchema.nullable(),
  trial_period_days: z.number().int(),
  tax_inclusive: z.boolean().nullable(),
};

export const priceSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('one_time_price'),
    currency: currencySchema,
    price: z.number().int(),
    discount: z.number().int(),
    pay_what_you_want: z.boolean(),
    suggested_price: z.number().int().nullable(),
    tax_inclusive: z.boolean().nullable(),
    purchasing_power_parity: z.literal(false),
  }),
  z.object({ type: z.literal('recurring_price'), price: z.number().int(), ...recurringTerms }),
  z.object({
    type: z.literal('usage_based_price'),
    fixed_price: z.number().int(),
    ...recurringTerms,
    meters: z.array(
      z.object({ meter_id: z.string(), price_per_unit: z.string(), free_threshold: z.number().int(), description: z.string().nullable() }),
    ),
  }),
]);

export const licenseKeyDurationSchema = z.strictObject({
  count: z.number().int().min(1),
  interval: intervalSchema,
});

export const digitalDeliverySchema = z.strictObject({
  external_url: z.string().nullable().optional(),
  instructions: z.string().nullable().optional(),
});

export const productSchema = z.object({
  product_id: z.string(),
  business_id: z.string(),
  brand_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  image: z.string().nullable(),
  tax_category: taxCategorySchema,
  price: priceSchema,
  is_recurring: z.boolean(),
  addons: z.array(z.string()),
  license_key_enabled: z.boolean(),
  license_key_activations_limit: z.number().int().nullable(),
  license_key_duration: licenseKeyDurationSchema.nullable(),
  license_key_activation_message: z.string().nullable(),
  digital_product_delivery: digitalDeliverySchema.nullable(),
  metadata: z.record(z.string(), z.string()),
  archived: z.boolean(),
  created_at: isoInstant,
  updated_at: isoInstant,
});

/** The fields create_product and update_product share (update makes them all optional). */
export const productFields = {
  name: z.string().min(1).max(100).describe('Product name.'),
  description: z.string().max(1000).nullable().describe('Markdown, shown at checkout.'),
  image: z.string().nullable().describe('Image URL.'),
  brand_id: z.string().describe('Default: the primary brand.'),
  tax_category: taxCategorySchema,
  price: priceInputSchema,
  addons: z.array(z.string()).max(20).describe('Addons buyers may add; recurring_price only.'),
  license_key_enabled: z.boolean().describe('Issue a key per purchase (default false).'),
  license_key_activations_limit: z.number().int().min(0).nullable().describe('Per key; null = unlimited.'),
  license_key_duration: licenseKeyDurationSchema.nullable().describe('Key validity; null = forever.'),
  license_key_activation_message: z.string().nullable().describe('Instructions sent with the key.'),
  digital_product_delivery: digitalDeliverySchema.nullable().describe('Download URL and/or instructions for the buyer.'),
  metadata: metadataSchema,
};

/** A product in a list: what it is and what it costs; get_product has the rest (description, license, delivery …). */
export const productSummarySchema = productSchema.pick({
  product_id: true,
  name: true,
  price: true,
  is_recurring: true,
  tax_category: true,
  license_key_enabled: true,
  archived: true,
  created_at: true,
});
