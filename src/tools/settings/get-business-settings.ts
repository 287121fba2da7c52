import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { businessSettingsSchema } from '../schemas/settings.js';

export const getBusinessSettings = defineTool({
  name: 'get_business_settings',
  resource: 'settings',
  operation: 'read',
  title: 'Get business settings',
  description:
    'Returns the business-wide settings: whether a customer may hold several active subscriptions at once ' +
    '(allow_multiple_subscriptions, default true), whether customers may change plans themselves in the ' +
    'customer portal (allow_subscription_updates, default false) and the default tax rate in basis points ' +
    '(1800 = 18 %). Use update_business_settings to change them.',
  input: z.object({}),
  output: businessSettingsSchema,
  hints: { idempotentHint: true },
  handler: (engine) => engine.settings.get(),
});
