import { z } from 'zod';
import { currencySchema, isoInstant, minorUnits } from './common.js';
import { taxCategorySchema } from './product.js';

const addonCurrency = currencySchema.describe('Must match its products’ currency.');

export const addonSchema = z.object({
  addon_id: z.string().describe('The addon id (adn_…).'),
  business_id: z.string().describe('The business the addon belongs to (bus_…).'),
  name: z.string().describe('Name shown at checkout: "Extra seat".'),
  description: z.string().nullable().describe('Description shown at checkout.'),
  price: z.number().int().describe('Price per unit per billing cycle in minor units: 500 = $5.00 a seat.'),
  currency: addonCurrency,
  tax_category: taxCategorySchema,
  image: z.string().nullable().describe('Image URL.'),
  created_at: isoInstant,
  updated_at: isoInstant,
});

/** The fields create_addon and update_addon share (update makes them all optional). */
export const addonFields = {
  name: z.string().min(1).max(100).describe('Shown at checkout, e.g. "Extra seat".'),
  description: z.string().max(1000).nullable().describe('Shown at checkout.'),
  price: minorUnits('Per unit per cycle'),
  currency: addonCurrency,
  tax_category: taxCategorySchema,
  image: z.string().nullable().describe('Image URL.'),
};
