import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { collectionSchema, groupNameInput, groupProductsInput, groupStatusInput, policyFields } from '../schemas/collection.js';

export const createProductCollection = defineTool({
  name: 'create_product_collection',
  resource: 'collections',
  operation: 'write',
  title: 'Create product collection',
  description:
    'Creates a product collection: related plans sold through one checkout, between which customers may upgrade or downgrade; the first enabled product is pre-selected.',
  input: z.object({
    name: z.string().min(1).max(100).describe('e.g. "SaaS Plans".'),
    description: z.string().max(1000).nullable().optional().describe('Shown at checkout.'),
    image: z.string().nullable().optional().describe('Image URL shown at checkout.'),
    brand_id: z.string().optional().describe('Brand of its products; default the primary one.'),
    groups: z
      .array(
        z.strictObject({
          group_name: groupNameInput.optional(),
          status: groupStatusInput.optional(),
          products: groupProductsInput.optional(),
        }),
      )
      .max(50)
      .optional()
      .describe('In display order, e.g. "Monthly", "Annual".'),
    products: groupProductsInput.optional().describe('Ungrouped products: one unnamed group before groups.'),
    ...z.object(policyFields).partial().shape,
  }),
  output: collectionSchema,
  handler: (engine, args) => engine.collections.create(args),
});
