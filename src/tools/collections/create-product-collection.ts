import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { collectionSchema, groupNameInput, groupProductsInput, groupStatusInput, policyFields } from '../schemas/collection.js';

export const createProductCollection = defineTool({
  name: 'create_product_collection',
  resource: 'collections',
  operation: 'write',
  title: 'Create product collection',
  description:
    'Creates a product collection: related plans (Starter, Pro, Enterprise; monthly and annual) sold through ' +
    'one checkout, between which customers may upgrade or downgrade in the portal. Groups and their products ' +
    'are created in one step, in display order; the first enabled product is pre-selected at checkout. ' +
    'Products given outside any group form one unnamed group shown first. Returns the collection with its ' +
    'pcl_, grp_ and pci_ ids.',
  input: z.object({
    name: z.string().min(1).max(100).describe('Collection name, ≤ 100 characters, e.g. "SaaS Plans".'),
    description: z.string().max(1000).nullable().optional().describe('Shown at checkout, ≤ 1000 characters.'),
    image: z.string().nullable().optional().describe('Image URL shown at checkout.'),
    brand_id: z.string().optional().describe('Brand (brnd_…) whose products it holds; default: the primary brand.'),
    groups: z
      .array(
        z.strictObject({
          group_name: groupNameInput.optional(),
          status: groupStatusInput.optional(),
          products: groupProductsInput.optional(),
        }),
      ).max(50)
      .optional()
      .describe('Groups in display order, e.g. [{group_name: "Monthly", products: […]}, {group_name: "Annual", …}].'),
    products: groupProductsInput
      .optional()
      .describe('Products outside any group, in display order; they form one unnamed group placed before `groups`.'),
    ...z.object(policyFields).partial().shape,
  }),
  output: collectionSchema,
  handler: (engine, args) => engine.collections.create(args),
});
