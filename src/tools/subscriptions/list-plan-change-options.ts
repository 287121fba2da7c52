import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf, pageInput } from '../schemas/common.js';
import { planChangeOptionsSchema } from '../schemas/plan-change.js';

export const listPlanChangeOptions = defineTool({
  name: 'list_plan_change_options',
  resource: 'subscriptions',
  operation: 'read',
  title: 'List plan change options',
  description:
    'Lists the products of the subscription’s collection it could switch to, as the portal offers them: direction, whether allowed, and what the collection’s defaults would charge or credit.',
  input: z.object({ subscription_id: idOf('subscription', 'sub'), ...pageInput }),
  output: planChangeOptionsSchema,
  hints: { idempotentHint: true },
  handler: (engine, { subscription_id, page_size, page_number }) =>
    engine.planChanges.listPlanChangeOptions(subscription_id, { page_size, page_number }),
});
