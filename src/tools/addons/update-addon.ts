import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { addonFields, addonSchema } from '../schemas/addon.js';

export const updateAddon = defineTool({
  name: 'update_addon',
  resource: 'addons',
  operation: 'write',
  title: 'Update addon',
  description:
    'Changes the given fields of an addon; omitted fields stay, null clears. The currency can change only if every product it is attached to uses the new one.',
  input: z.object({ addon_id: idOf('addon', 'adn'), ...z.object(addonFields).partial().shape }),
  output: addonSchema,
  hints: { idempotentHint: true },
  handler: (engine, { addon_id, ...changes }) => engine.addons.update(addon_id, changes),
});
