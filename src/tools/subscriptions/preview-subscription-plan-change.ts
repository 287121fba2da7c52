import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { planChangeInput, planChangePreviewSchema } from '../schemas/plan-change.js';

export const previewSubscriptionPlanChange = defineTool({
  name: 'preview_subscription_plan_change',
  resource: 'subscriptions',
  operation: 'read',
  title: 'Preview a subscription plan change',
  description:
    'Computes what change_subscription_plan would do with the same arguments, without changing anything: call it first ' +
    'and tell the user the numbers. immediate_charge.summary.total_amount is what the card is charged now (minor units, ' +
    'tax included, after the discount code, subscription credit and wallet credit); credit_amount is subscription credit ' +
    'a downgrade would add instead (used at this subscription’s later renewals, before wallet credit). immediate_charge.line_items ' +
    'explain it: each reads quantity × unit_price × proration_factor = amount, the new plan’s lines positive, the unused current plan ' +
    'as negative lines. new_plan is the subscription afterwards, ' +
    'with its next_billing_date and recurring_pre_tax_amount; usage (usage-based subscriptions) is the meter usage of the ' +
    'current part of the period so far, which stays billed in arrears under the current product’s meters.',
  input: z.object(planChangeInput),
  output: planChangePreviewSchema,
  hints: { idempotentHint: true },
  handler: (engine, { subscription_id, ...body }) => engine.planChanges.preview(subscription_id, body),
});
