import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { businessSettingsFields, businessSettingsSchema } from '../schemas/settings.js';

export const updateBusinessSettings = defineTool({
  name: 'update_business_settings',
  resource: 'settings',
  operation: 'write',
  title: 'Update business settings',
  description: 'Changes the given business-wide settings; omitted ones stay. Returns every setting after the change.',
  input: z.object(businessSettingsFields).partial(),
  output: businessSettingsSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.settings.update(args),
});
