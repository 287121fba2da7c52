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
    'Lists the products of the subscription’s product collection it could switch to, as a customer portal offers them: ' +
    'each with direction (upgrade or downgrade by price per day), whether the collection allows it (and why not), the ' +
    'collection’s default proration mode and timing for that direction, and what that default charges now (charge_now) ' +
    'or credits (credit_amount), in minor units. Empty when the subscription belongs to no collection. Preview a choice ' +
    'with preview_subscription_plan_change.',
  input: z.object({ subscription_id: idOf('subscription', 'sub'), ...pageInput }),
  output: planChangeOptionsSchema,
  hints: { idempotentHint: true },
  handler: (engine, { subscription_id, page_size, page_number }) =>
    engine.planChanges.listPlanChangeOptions(subscription_id, { page_size, page_number }),
});
