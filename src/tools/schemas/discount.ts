import { z } from 'zod';
import { CODE_MAX_LENGTH, CODE_MIN_LENGTH, DISCOUNT_TYPES, MAX_BASIS_POINTS } from '../../engine/index.js';
import { isoInstant, metadataSchema } from './common.js';

export const discountTypeSchema = z.enum(DISCOUNT_TYPES).describe('How amount is read.');

const amountOut = z
  .number()
  .int()
  .describe('percentage: basis points (540 = 5.4 %, 10000 = 100 %); flat: minor units off each eligible line (500 = $5.00).');

export const discountSchema = z.object({
  discount_id: z.string().describe('The discount id (dsc_…).'),
  business_id: z.string().describe('The business the discount belongs to (bus_…).'),
  name: z.string().nullable().describe('Internal name shown in lists, not to buyers.'),
  code: z.string().describe('The code buyers enter, upper-case; matched case-insensitively.'),
  type: discountTypeSchema,
  amount: amountOut,
  usage_limit: z.number().int().nullable().describe('Maximum successful purchases with the code; null = unlimited.'),
  times_used: z.number().int().describe('Successful purchases that used the code so far (renewals do not count).'),
  expires_at: isoInstant.nullable().describe('ISO-8601 UTC instant from which the code is refused; null = never expires.'),
  restricted_to: z.array(z.string()).describe('Product ids (pdt_…) the code applies to; empty = every product.'),
  subscription_cycles: z
    .number()
    .int()
    .nullable()
    .describe('Number of paid subscription cycles the code reduces; null = every recurring payment, forever.'),
  preserve_on_plan_change: z.boolean().describe('True: a subscription keeps the code across plan changes when it applies to the new product.'),
  metadata: z.record(z.string(), z.string()).describe("The merchant's key-value pairs."),
  created_at: isoInstant,
  updated_at: isoInstant,
});

/** The fields create_discount and update_discount share (update makes them all optional). */
export const discountFields = {
  code: z
    .string()
    .min(CODE_MIN_LENGTH)
    .max(CODE_MAX_LENGTH)
    .regex(/^[A-Za-z0-9_-]+$/)
    .describe('Stored upper-case; unique among live discounts.'),
  name: z.string().min(1).max(100).nullable().describe('Internal name.'),
  type: discountTypeSchema,
  amount: z.number().int().min(1).describe(`percentage: basis points ≤ ${MAX_BASIS_POINTS} (540 = 5.4 %); flat: minor units off each eligible line.`),
  usage_limit: z.number().int().min(1).nullable().describe('Successful purchases allowed; null = unlimited.'),
  expires_at: z.string().nullable().describe('Future ISO-8601 instant; null = never.'),
  restricted_to: z.array(z.string().min(1)).max(100).describe('Products it applies to; [] = all.'),
  subscription_cycles: z.number().int().min(1).nullable().describe('Paid subscription cycles it reduces; null = all.'),
  preserve_on_plan_change: z.boolean().describe('Kept on plan changes to a product it applies to (default false).'),
  metadata: metadataSchema,
};
