import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { addonFields, addonSchema } from '../schemas/addon.js';

export const createAddon = defineTool({
  name: 'create_addon',
  resource: 'addons',
  operation: 'write',
  title: 'Create addon',
  description:
    'Creates an addon: an extra billed with a subscription every cycle at price × quantity (seats, storage). Attach it through the addons field of create_product or update_product.',
  input: z.object({
    ...addonFields,
    description: addonFields.description.optional(),
    image: addonFields.image.optional(),
  }),
  output: addonSchema,
  handler: (engine, args) => engine.addons.create(args),
});
