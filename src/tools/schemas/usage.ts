import { z } from 'zod';
import { AGGREGATION_TYPES, FILTER_OPERATORS } from '../../engine/index.js';

const valueSchema = z.union([z.string(), z.number(), z.boolean()]);

const conditionSchema = z.strictObject({
  key: z.string().describe('Metadata key the condition reads; a missing key makes the condition false.'),
  operator: z
    .enum(FILTER_OPERATORS)
    .describe('equals and not_equals are type-strict ("150" ≠ 150); comparisons need numbers; contains is a substring test.'),
  value: valueSchema.describe('String, number or boolean to compare with.'),
});

// Three explicit levels instead of a recursive schema: portable JSON Schema has no $ref.
const level3 = z.strictObject({
  conjunction: z.enum(['and', 'or']).describe('and: every clause must hold; or: at least one must.'),
  clauses: z.array(conditionSchema).max(20).describe('Conditions.'),
});
const level2 = z.strictObject({
  conjunction: z.enum(['and', 'or']).describe('and: every clause must hold; or: at least one must.'),
  clauses: z
    .array(z.union([conditionSchema, level3]))
    .max(20)
    .describe('Conditions or nested filters (one more level).'),
});
export const meterFilterSchema = z.strictObject({
  conjunction: z.enum(['and', 'or']).describe('and: every clause must hold; or: at least one must.'),
  clauses: z
    .array(z.union([conditionSchema, level2]))
    .max(20)
    .describe('Conditions or nested filters (at most 3 levels in all).'),
});

export const meterSchema = z.object({
  meter_id: z.string(),
  business_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  event_name: z.string(),
  measurement_unit: z.string(),
  aggregation: z.object({ type: z.enum(AGGREGATION_TYPES), key: z.string().nullable() }),
  filter: meterFilterSchema.nullable(),
  archived: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const usageMetadataSchema = z.record(z.string(), valueSchema);

export const usageEventSchema = z.object({
  event_id: z.string(),
  business_id: z.string(),
  customer_id: z.string(),
  event_name: z.string(),
  timestamp: z.string(),
  metadata: usageMetadataSchema.nullable(),
});

export const meterUsageSchema = z.object({
  meter_id: z.string(),
  name: z.string(),
  measurement_unit: z.string(),
  product_id: z.string(),
  consumed_units: z.number(),
  chargeable_units: z.number(),
  free_threshold: z.number(),
  price_per_unit: z.string(),
  amount: z.number(),
});

export const usageHistorySchema = z.object({
  subscription_id: z.string(),
  currency: z.string(),
  periods: z.array(
    z.object({
      start_date: z.string(),
      end_date: z.string(),
      is_current: z.boolean(),
      meters: z.array(meterUsageSchema),
      total_amount: z.number(),
    }),
  ),
});
