import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { businessSettingsSchema } from '../schemas/settings.js';

export const getBusinessSettings = defineTool({
  name: 'get_business_settings',
  resource: 'settings',
  operation: 'read',
  title: 'Get business settings',
  description:
    'Returns the business-wide settings: several subscriptions per customer, plan changes in the customer portal, the default tax rate, and the plan-change defaults a collection inherits.',
  input: z.object({}),
  output: businessSettingsSchema,
  hints: { idempotentHint: true },
  handler: (engine) => engine.settings.get(),
});
