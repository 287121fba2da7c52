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
    'Shows a usage-based subscription’s usage per billing period and per meter: consumed and chargeable ' +
    'units, free threshold, price per unit (decimal string of minor units) and amount in minor units. ' +
    'Closed periods show what their renewal billed; the current period shows usage so far and what it ' +
    'would bill. start_date/end_date keep the periods overlapping that range.',
  input: z.object({
    subscription_id: idOf('subscription', 'sub'),
    start_date: z.string().optional().describe('ISO-8601; periods ending after it.'),
    end_date: z.string().optional().describe('ISO-8601; periods starting before it.'),
  }),
  output: usageHistorySchema,
  hints: { idempotentHint: true },
  handler: (engine, { subscription_id, ...range }) => engine.usage.history(subscription_id, range),
});
