import { iso } from '../clock.js';
import type { EffectiveAt, ProrationBillingMode } from '../rules/plan-change-modes.js';
import { recurringPreTaxAmount } from '../rules/subscription-plan.js';
import type { Scope } from '../scope.js';
import type { StoredSubscription, Subscription } from '../subscriptions/types.js';

/** A plan as the plan_changed event names it. */
function planOf(sub: StoredSubscription) {
  return {
    product_id: sub.product_id,
    quantity: sub.quantity,
    addons: sub.addons,
    recurring_pre_tax_amount: recurringPreTaxAmount(sub),
    payment_frequency_count: sub.payment_frequency_count,
    payment_frequency_interval: sub.payment_frequency_interval,
  };
}

export interface PlanChangedFacts {
  before: StoredSubscription;
  after: StoredSubscription;
  proration_billing_mode: ProrationBillingMode | null;
  effective_at: EffectiveAt;
  /** Minor units charged now (tax included) and credited to the subscription. */
  charged: number;
  credit_added: number;
  payment_id: string | null;
}

/**
 * `subscription.plan_changed` (SPEC §2.4, §4): the subscription after the change, plus under `plan_change`
 * the previous and new plan, the proration adjustment and the new next_billing_date (changelog v1.25.0).
 */
export async function emitPlanChanged(tx: Scope, facts: PlanChangedFacts): Promise<Subscription> {
  return tx.subscriptions.emit('subscription.plan_changed', facts.after.subscription_id, {
    plan_change: {
      previous_plan: planOf(facts.before),
      new_plan: planOf(facts.after),
      proration_billing_mode: facts.proration_billing_mode,
      effective_at: facts.effective_at,
      proration_adjustment: { charged: facts.charged, credit_added: facts.credit_added, payment_id: facts.payment_id },
      next_billing_date: iso(facts.after.next_billing_date),
    },
  });
}
