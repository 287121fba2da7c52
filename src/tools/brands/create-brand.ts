import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { brandFields, brandSchema } from '../schemas/brand.js';

export const createBrand = defineTool({
  name: 'create_brand',
  resource: 'brands',
  operation: 'write',
  title: 'Create brand',
  description: 'Creates a secondary brand: a storefront identity that products sell under via brand_id. Test mode verifies it at once.',
  input: z.object({
    ...brandFields,
    description: brandFields.description.optional(),
    url: brandFields.url.optional(),
    image: brandFields.image.optional(),
    statement_descriptor: brandFields.statement_descriptor.optional(),
    support_email: brandFields.support_email.optional(),
  }),
  output: brandSchema,
  handler: (engine, args) => engine.brands.create(args),
});
