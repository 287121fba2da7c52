import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { planChangeInput, planChangeResultSchema } from '../schemas/plan-change.js';

export const changeSubscriptionPlan = defineTool({
  name: 'change_subscription_plan',
  resource: 'subscriptions',
  operation: 'write',
  title: 'Change a subscription’s plan',
  description:
    'Moves an active subscription to another product, quantity or addons, and bills per proration_billing_mode: a charge ' +
    'to the saved card now, or subscription credit for a downgrade. Run preview_subscription_plan_change with the same ' +
    'arguments first and confirm the amounts with the user. The merchant may move to any product (collection rules bind ' +
    'only list_plan_change_options). Returns status (applied, scheduled, on_hold, not_applied), amount_charged and ' +
    'credit_added in minor units, the line_items the preview showed, the payment and invoice ids, the subscription, and (usage-based) the usage of the part ' +
    'of the period the change closed, with when it is billed.',
  input: z.object(planChangeInput),
  output: planChangeResultSchema,
  handler: (engine, { subscription_id, ...body }) => engine.planChanges.change(subscription_id, body),
});
