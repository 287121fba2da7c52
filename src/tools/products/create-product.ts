import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { productFields, productSchema } from '../schemas/product.js';

export const createProduct = defineTool({
  name: 'create_product',
  resource: 'products',
  operation: 'write',
  title: 'Create product',
  description:
    'Creates a product: one-time (optionally pay-what-you-want), a subscription plan (recurring_price) or usage-based (base fee plus meters). The pricing model cannot change later.',
  input: z.object({
    ...productFields,
    description: productFields.description.optional(),
    image: productFields.image.optional(),
    brand_id: productFields.brand_id.optional(),
    addons: productFields.addons.optional(),
    license_key_enabled: productFields.license_key_enabled.optional(),
    license_key_activations_limit: productFields.license_key_activations_limit.optional(),
    license_key_duration: productFields.license_key_duration.optional(),
    license_key_activation_message: productFields.license_key_activation_message.optional(),
    digital_product_delivery: productFields.digital_product_delivery.optional(),
    metadata: productFields.metadata.optional(),
  }),
  output: productSchema,
  handler: (engine, args) => engine.products.create(args),
});
