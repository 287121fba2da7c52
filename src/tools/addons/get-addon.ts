import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { addonSchema } from '../schemas/addon.js';

export const getAddon = defineTool({
  name: 'get_addon',
  resource: 'addons',
  operation: 'read',
  title: 'Get addon',
  description: 'Returns one addon by id: name, price per unit per cycle, currency and tax category.',
  input: z.object({ addon_id: idOf('addon', 'adn') }),
  output: addonSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.addons.get(args.addon_id),
});
