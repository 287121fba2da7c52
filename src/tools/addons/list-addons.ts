import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { addonSchema } from '../schemas/addon.js';

export const listAddons = defineTool({
  name: 'list_addons',
  resource: 'addons',
  operation: 'read',
  title: 'List addons',
  description: 'Lists every addon of the business, oldest first. get_product shows the addons one product offers.',
  input: z.object({ ...pageInput }),
  output: pageOutput(addonSchema),
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.addons.list(args),
});
