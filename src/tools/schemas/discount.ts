import { z } from 'zod';
import { CODE_MAX_LENGTH, CODE_MIN_LENGTH, MAX_BASIS_POINTS } from '../../engine/discounts/rules.js';
import { DISCOUNT_TYPES } from '../../engine/discounts/types.js';
import { isoInstant, metadataSchema } from './common.js';

export const discountTypeSchema = z
  .enum(DISCOUNT_TYPES)
  .describe('percentage: amount in basis points (540 = 5.4 %); flat: amount in minor units off each eligible line (500 = $5.00).');

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
  preserve_on_plan_change: z
    .boolean()
    .describe('True: a subscription keeps the code across plan changes when it applies to the new product.'),
  metadata: z.record(z.string(), z.string()).describe('The merchant\'s key-value pairs.'),
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
    .describe(
      `The code buyers enter, ${CODE_MIN_LENGTH}–${CODE_MAX_LENGTH} characters of letters, digits, _ or -; stored upper-case ` +
        '("summer25" becomes SUMMER25). Must not be held by another live discount.',
    ),
  name: z.string().min(1).max(100).nullable().describe('Internal name, ≤ 100 characters; null clears it.'),
  type: discountTypeSchema,
  amount: z
    .number()
    .int()
    .min(1)
    .describe(
      `percentage: basis points 1–${MAX_BASIS_POINTS} (540 = 5.4 %, 2500 = 25 %, 10000 = 100 %; more → INVALID_PERCENTAGE). ` +
        'flat: minor units ≥ 1 taken off each eligible line, never below zero (500 = $5.00).',
    ),
  usage_limit: z
    .number()
    .int()
    .min(1)
    .nullable()
    .describe('Maximum successful purchases with the code, ≥ 1; null = unlimited.'),
  expires_at: z
    .string()
    .nullable()
    .describe('ISO-8601 instant with Z or an offset (2025-12-31T23:59:59Z), in the future; from then on the code is refused. Null = never expires.'),
  restricted_to: z
    .array(z.string().min(1)).max(100)
    .describe('Product ids (pdt_…) the code applies to; [] = every product. Replaces the whole list on update.'),
  subscription_cycles: z
    .number()
    .int()
    .min(1)
    .nullable()
    .describe('Paid subscription cycles the code reduces, ≥ 1 (3 = "50 % off for 3 months"); null = every recurring payment, forever.'),
  preserve_on_plan_change: z
    .boolean()
    .describe('Keep the code on a subscription across plan changes when it applies to the new product (default false).'),
  metadata: metadataSchema,
};
