import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { usageHistorySchema } from '../schemas/usage.js';

export const getUsageHistory = defineTool({
  name: 'get_usage_history',
  resource: 'usage',
  operation: 'read',
  title: 'Get usage history',
  description:
    'Shows a usage-based subscription’s usage per billing period and meter: consumed and chargeable units and amount. Closed periods show what was billed; the current one, usage so far.',
  input: z.object({
    subscription_id: idOf('subscription', 'sub'),
    start_date: z.string().optional().describe('ISO-8601; periods ending after it.'),
    end_date: z.string().optional().describe('ISO-8601; periods starting before it.'),
  }),
  output: usageHistorySchema,
  hints: { idempotentHint: true },
  handler: (engine, { subscription_id, ...range }) => engine.usage.history(subscription_id, range),
});
