import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { planChangeInput, planChangeResultSchema } from '../schemas/plan-change.js';

export const changeSubscriptionPlan = defineTool({
  name: 'change_subscription_plan',
  resource: 'subscriptions',
  operation: 'write',
  title: 'Change a subscription’s plan',
  description:
    'Moves an active subscription to another product, quantity or addons, billed per proration_billing_mode; preview it first with the same arguments. Collection rules bind only the portal. status says applied, scheduled, on_hold or not_applied.',
  input: z.object(planChangeInput),
  output: planChangeResultSchema,
  handler: (engine, { subscription_id, ...body }) => engine.planChanges.change(subscription_id, body),
});
