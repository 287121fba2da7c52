import { z } from 'zod';
import { EFFECTIVE_AT, ON_PAYMENT_FAILURE, PRICE_TYPES, PRORATION_BILLING_MODES } from '../../engine/index.js';
import { currencySchema, idOf, isoInstant, pageOutput } from './common.js';
import { intervalSchema } from './product.js';

const prorationMode = (direction: string) => z.enum(PRORATION_BILLING_MODES).nullable().describe(`Portal ${direction}s; null: the business setting.`);

const effectiveAt = (direction: string) => z.enum(EFFECTIVE_AT).nullable().describe(`Portal ${direction}s; null: the business setting.`);

/** The plan-change policy fields (SPEC D7), as create and update take them. */
export const policyFields = {
  allow_upgrades: z.boolean().describe('Portal moves to a dearer plan (default true).'),
  allow_downgrades: z.boolean().describe('Portal moves to a cheaper plan (default true).'),
  force_same_billing_interval: z.boolean().describe('Portal moves only within a billing interval (default false).'),
  proration_billing_mode_on_upgrade: prorationMode('upgrade'),
  proration_billing_mode_on_downgrade: prorationMode('downgrade'),
  effective_at_on_upgrade: effectiveAt('upgrade'),
  effective_at_on_downgrade: effectiveAt('downgrade'),
  on_payment_failure: z.enum(ON_PAYMENT_FAILURE).nullable().describe('null: the business setting.'),
};

export const groupProductInput = z.strictObject({
  product_id: idOf('product', 'pdt'),
  status: z.boolean().optional().describe('Shown at checkout (default true).'),
});

export const groupProductsInput = z.array(groupProductInput).max(100).describe('Display order; each once per collection.');

export const groupNameInput = z.string().min(1).max(100).nullable().describe('Unique in the collection, e.g. "Monthly"; null: unnamed.');

export const groupStatusInput = z.boolean().describe('Shown at checkout (default true).');

const itemSchema = z.object({
  item_id: z.string().describe('The item id (pci_…): this product’s place in the group.'),
  product_id: z.string(),
  status: z.boolean().describe('Enabled: shown at checkout.'),
});

const groupSchema = z.object({
  group_id: z.string(),
  group_name: z.string().nullable(),
  status: z.boolean().describe('Enabled: its enabled products are shown at checkout.'),
  products: z.array(itemSchema).describe('Items in display order.'),
});

export const collectionSchema = z.object({
  collection_id: z.string(),
  business_id: z.string(),
  brand_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  image: z.string().nullable(),
  archived: z.boolean(),
  allow_upgrades: z.boolean(),
  allow_downgrades: z.boolean(),
  force_same_billing_interval: z.boolean(),
  proration_billing_mode_on_upgrade: z.enum(PRORATION_BILLING_MODES).nullable(),
  proration_billing_mode_on_downgrade: z.enum(PRORATION_BILLING_MODES).nullable(),
  effective_at_on_upgrade: z.enum(EFFECTIVE_AT).nullable(),
  effective_at_on_downgrade: z.enum(EFFECTIVE_AT).nullable(),
  on_payment_failure: z.enum(ON_PAYMENT_FAILURE).nullable(),
  groups: z.array(groupSchema).describe('Groups in display order.'),
  created_at: isoInstant,
  updated_at: isoInstant,
});

export const unarchivedCollectionSchema = collectionSchema.extend({
  excluded_product_ids: z.array(z.string()).describe('Products of the collection that are archived and so left out of its checkout.'),
});

const checkoutProductSchema = z.object({
  product_id: z.string(),
  item_id: z.string(),
  group_id: z.string(),
  group_name: z.string().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  price: z.number().int().describe('Minor units (4900 = $49.00): the price, or the fixed fee of a usage-based plan.'),
  price_type: z.enum(PRICE_TYPES),
  currency: currencySchema,
  payment_frequency_count: z.number().int().nullable().describe('Bills every N intervals; null for one-time products.'),
  payment_frequency_interval: intervalSchema.nullable(),
  trial_period_days: z.number().int().nullable().describe('Free trial days; null for one-time products.'),
  pay_what_you_want: z.boolean().describe('The buyer chooses the amount, at least `price`.'),
  pre_selected: z.boolean().describe('True on the checkout’s default choice: the first product offered.'),
});

export const collectionCheckoutSchema = pageOutput(checkoutProductSchema).extend({
  collection_id: z.string(),
  name: z.string(),
  archived: z.boolean().describe('An archived collection cannot be bought through.'),
});

/** A collection in a list: which it is; get_product_collection has its groups, list_collection_products the checkout. */
export const collectionSummarySchema = collectionSchema.pick({
  collection_id: true,
  name: true,
  brand_id: true,
  archived: true,
  created_at: true,
  updated_at: true,
});
