import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { planChangePreviewInput, planChangePreviewSchema } from '../schemas/plan-change.js';

export const previewSubscriptionPlanChange = defineTool({
  name: 'preview_subscription_plan_change',
  resource: 'subscriptions',
  operation: 'read',
  title: 'Preview a subscription plan change',
  description:
    'Computes what change_subscription_plan would do with the same arguments, changing nothing; call it first and tell the user the numbers. immediate_charge.summary.total_amount is charged now, after code and credits; credit_amount is credit a downgrade adds. Each line reads quantity × unit_price × proration_factor = amount.',
  input: z.object(planChangePreviewInput),
  output: planChangePreviewSchema,
  hints: { idempotentHint: true },
  handler: (engine, { subscription_id, ...body }) => engine.planChanges.preview(subscription_id, body),
});
