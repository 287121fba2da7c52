import { iso } from '../clock.js';
import type { Collection } from '../collections/types.js';
import { BillingError, notFound } from '../errors.js';
import type { Product } from '../products/types.js';
import { checkoutProducts } from '../rules/collection-offer.js';
import { recurringPreTaxAmount, unitPriceOf } from '../rules/subscription-plan.js';
import type { Scope } from '../scope.js';
import { type PageRequest, pageOf } from '../shared/paging.js';
import type { StoredSubscription, Subscription } from '../subscriptions/types.js';
import { sameBillingInterval } from './direction.js';
import { emitPlanChanged } from './events.js';
import { changeableSubscription, type PreparedChange, prepareChange } from './plan.js';
import { directionDefaults, permissionFor } from './policy.js';
import { findPendingChange, insertScheduledChange, setScheduledChangeStatus } from './repo.js';
import { applyDueScheduledChange } from './scheduled.js';
import type { PlanChangeLineItem, PlanChangeOption, PlanChangeOptions, PlanChangePreview, PlanChangeRequest, PlanChangeResult } from './types.js';

/**
 * Plan changes (SPEC §2.4): preview and change take the same body and share one computation
 * (prepareChange), so what a preview states is what the change charges. Basic 3000 → Pro 8000 on day 10
 * of 30 with prorated_immediately: preview 3333, change charges 3333 (§3 A).
 */
export class PlanChangeService {
  constructor(private readonly scope: Scope) {}

  /** What the change would charge, credit and leave, without writing anything. */
  async preview(subscriptionId: string, body: PlanChangeRequest): Promise<PlanChangePreview> {
    return this.scope.transaction(async (tx) => previewOf(await prepareChange(tx, subscriptionId, body)));
  }

  /**
   * Carries out the change in one transaction with its events (SPEC §2.4 "Outcome"):
   * - effective_at=next_billing_date stores a scheduled change and charges nothing (G);
   * - otherwise the plan switches now; a credit goes to the subscription's credit_balance (B, D); a charge
   *   goes through chargeSubscription (code, subscription credit, wallet, tax — D4). On success:
   *   plan_changed then active. On failure, apply_change keeps the new plan and puts the subscription
   *   on_hold owing the charge before credits (a failed charge uses none; subscription.on_hold);
   *   prevent_change restores the old plan and only payment.failed is left (J).
   * - on a usage-based subscription, a change that restarts the cycle closes the period now: the period's
   *   usage is billed in the same charge (meter lines after the plan's) and recorded as that period's lines
   *   (A since Apr 1, 2,500 calls, 1,000 free at "2", full_immediately to B 2000 on Apr 11 → 2000 + 3000).
   *   Other changes leave it to the next renewal (D6). The result's `usage` shows the part it closed.
   */
  async change(subscriptionId: string, body: PlanChangeRequest): Promise<PlanChangeResult> {
    return this.scope.transaction(async (tx) => {
      const prepared = await prepareChange(tx, subscriptionId, body);
      const { before, after, now, quote } = prepared;
      const result = (
        status: PlanChangeResult['status'],
        subscription: Subscription,
        payment?: { payment_id: string; invoice_id: string | null; amount: number },
      ) =>
        ({
          status,
          subscription_id: subscriptionId,
          payment_id: payment?.payment_id ?? null,
          invoice_id: payment?.invoice_id ?? null,
          proration_billing_mode: prepared.mode,
          effective_at: prepared.effective_at,
          direction: quote.direction,
          amount_charged: status === 'applied' ? (payment?.amount ?? 0) : 0,
          credit_added: status === 'applied' ? quote.credit : 0,
          line_items: lineItemsOf(prepared),
          subscription,
          usage: prepared.usage,
        }) satisfies PlanChangeResult;

      if (prepared.replaces) await setScheduledChangeStatus(tx.db, prepared.replaces.change_id, 'cancelled', now);
      if (prepared.scheduled) {
        await insertScheduledChange(tx.db, { change_id: tx.ids.next('scheduledChange'), ...prepared.scheduled });
        return result('scheduled', await view(tx, subscriptionId));
      }

      await tx.subscriptions.updateStored(subscriptionId, fieldsOf(after));
      if (prepared.charge_lines.length === 0) {
        // A reset whose meters bill 0: the closed period's lines are kept, with no payment.
        await prepared.closing_usage?.record(null);
        await recordNewCode(tx, prepared);
        await emitPlanChanged(tx, { ...facts(prepared), charged: 0, payment_id: null });
        return result('applied', await view(tx, subscriptionId));
      }

      const payment = await tx.subscriptions.bill({
        subscription: { subscription_id: subscriptionId },
        lines: prepared.charge_lines,
        reason: 'plan_change',
        applyCredits: true,
        // A charge that starts a new cycle pays for it; an adjustment pays for no period of its own.
        period: quote.resets_cycle ? { start: iso(after.previous_billing_date), end: iso(after.next_billing_date) } : null,
        metadata: prepared.metadata,
      });
      const paid = { payment_id: payment.payment_id, invoice_id: payment.invoice_id, amount: payment.total_amount };
      // The closed period's usage was billed by this payment (or is owed with it, on hold); prevent_change
      // restores the period, so its usage stays for the renewal that will close it.
      if (payment.status === 'succeeded' || prepared.on_payment_failure === 'apply_change') await prepared.closing_usage?.record(payment.payment_id);
      if (payment.status === 'succeeded') {
        await recordNewCode(tx, prepared);
        await emitPlanChanged(tx, { ...facts(prepared), charged: payment.total_amount, payment_id: payment.payment_id });
        const subscription = await tx.subscriptions.emit('subscription.active', subscriptionId);
        return result('applied', subscription, paid);
      }
      if (prepared.on_payment_failure === 'apply_change') {
        await tx.subscriptions.updateStored(subscriptionId, { status: 'on_hold', outstanding_amount: prepared.owed_if_failed, updated_at: now });
        const subscription = await tx.subscriptions.emit('subscription.on_hold', subscriptionId);
        return result('on_hold', subscription, paid);
      }
      // prevent_change: the old plan stays, and so does a scheduled change this one would have replaced.
      await tx.subscriptions.updateStored(subscriptionId, fieldsOf(before));
      if (prepared.replaces) await setScheduledChangeStatus(tx.db, prepared.replaces.change_id, 'pending', now);
      return result('not_applied', await view(tx, subscriptionId), paid);
    });
  }

  /** Cancels the pending scheduled change; the subscription keeps its plan. NOT_FOUND when none is pending. */
  async cancelScheduledChange(subscriptionId: string): Promise<Subscription> {
    return this.scope.transaction(async (tx) => {
      const sub = await tx.subscriptions.findStored(subscriptionId);
      if (!sub) throw notFound('subscription', subscriptionId, 'list_subscriptions');
      const pending = await findPendingChange(tx.db, subscriptionId);
      if (!pending) {
        throw new BillingError(
          'NOT_FOUND',
          `subscription ${subscriptionId} has no scheduled plan change`,
          'get_subscription shows scheduled_change; change_subscription_plan with effective_at next_billing_date schedules one',
        );
      }
      await setScheduledChangeStatus(tx.db, pending.change_id, 'cancelled', tx.clock.now());
      return view(tx, subscriptionId);
    });
  }

  /**
   * The products of the subscription's collection it may move to (SPEC D7, seed 001 change options), in
   * display order, the current product left out: each with its direction (amount per day with the current
   * quantity and the current addons it accepts), whether the collection allows the move, the collection's
   * default mode and timing for that direction, and what that default would charge now and credit.
   * A subscription outside any collection (or in several) has no options; the merchant's
   * change_subscription_plan may still move it to any product.
   */
  async listPlanChangeOptions(subscriptionId: string, page?: PageRequest): Promise<PlanChangeOptions> {
    return this.scope.transaction(async (tx) => {
      const sub = await changeableSubscription(tx, subscriptionId);
      const collection = await tx.collections.governing(sub);
      const options: PlanChangeOption[] = [];
      if (collection) {
        const productIds = collection.groups.flatMap((g) => g.products.map((i) => i.product_id));
        const products = new Map((await tx.products.findMany(productIds)).map((p) => [p.product_id, p]));
        for (const offered of checkoutProducts(collection.groups, products)) {
          const product = products.get(offered.product_id);
          if (!product || product.product_id === sub.product_id || product.price.type === 'one_time_price') continue;
          options.push(await optionFor(tx, sub, product, collection));
        }
      }
      return {
        subscription_id: subscriptionId,
        collection_id: collection?.collection_id ?? null,
        current_product_id: sub.product_id,
        current_recurring_amount: recurringPreTaxAmount(sub),
        ...pageOf(options, page),
      };
    });
  }

  /**
   * Applies the subscription's scheduled plan change due by `at`, in the renewal's transaction (the due-work
   * runner calls it on its batch's scope, `tx.planChanges`, before the renewal bills); see scheduled.ts.
   * Returns the subscription as switched, or null when no change was due.
   */
  applyDueScheduledChange(subscriptionId: string, at: number): Promise<StoredSubscription | null> {
    return applyDueScheduledChange(this.scope, subscriptionId, at);
  }
}

async function view(tx: Scope, subscriptionId: string): Promise<Subscription> {
  const subscription = await tx.subscriptions.find(subscriptionId);
  if (!subscription) throw new Error(`subscription ${subscriptionId} vanished inside its own transaction`);
  return subscription;
}

/** A code given with the change counts one use once the change applies (SPEC §2.8). */
async function recordNewCode(tx: Scope, prepared: PreparedChange): Promise<void> {
  if (prepared.discount.is_new && prepared.discount.discount) {
    await tx.discounts.recordUse(prepared.discount.discount.discount_id);
  }
}

/**
 * The lines of a prepared change, as the preview, the change's result, the payment and its invoice show
 * them: the new plan's lines, the current plan's credited lines (negative), then the meter lines a reset
 * bills. Each plan line reads amount = quantity × unit_price × proration_factor; when the change charges,
 * discount_amount, tax and total are the payment line's. A change that credits shows its lines (summing to
 * −credit_amount) and charges nothing.
 */
export function lineItemsOf(prepared: PreparedChange): PlanChangeLineItem[] {
  const reduced = prepared.reduced;
  // The plan lines are charge_lines' head when the change charges; otherwise only meter lines are charged.
  const planCharged = prepared.quote.charge > 0;
  const reducedAt = (index: number) => reduced?.lines[index];
  const planItems = prepared.quote.lines.map((line, index): PlanChangeLineItem => {
    const after = planCharged ? reducedAt(index) : undefined;
    return {
      type: line.type,
      id: line.id,
      product_id: line.product_id,
      name: line.name,
      quantity: line.quantity,
      unit_price: line.unit_price,
      proration_factor: line.proration_factor,
      is_prorated: line.is_prorated,
      amount: line.amount,
      discount_amount: after?.discount_amount ?? 0,
      tax: after?.tax ?? 0,
      total: after?.total ?? line.amount,
    };
  });
  const meterStart = planCharged ? prepared.quote.lines.length : 0;
  const meterItems = prepared.charge_lines.slice(meterStart).map((line, index): PlanChangeLineItem => {
    const after = reducedAt(meterStart + index);
    return {
      type: 'meter',
      id: line.item_id,
      product_id: line.product_id,
      name: line.name,
      quantity: line.quantity,
      unit_price: line.unit_price,
      proration_factor: null,
      is_prorated: false,
      amount: line.unit_price * line.quantity,
      discount_amount: after?.discount_amount ?? 0,
      tax: after?.tax ?? 0,
      total: after?.total ?? line.unit_price * line.quantity,
    };
  });
  return [...planItems, ...meterItems];
}

/** The preview of a prepared change: its lines, the reduced charge, the subscription it leaves and the usage so far. */
export function previewOf(prepared: PreparedChange): PlanChangePreview {
  const reduced = prepared.reduced;
  const line_items = lineItemsOf(prepared);
  const currency = prepared.before.currency;
  const total_amount = reduced?.total_amount ?? 0;
  const subscription_credit_used = reduced?.subscription_credit_used ?? 0;
  const wallet_credit_used = reduced?.wallet_credit_used ?? 0;
  return {
    subscription_id: prepared.before.subscription_id,
    proration_billing_mode: prepared.mode,
    effective_at: prepared.effective_at,
    on_payment_failure: prepared.on_payment_failure,
    direction: prepared.quote.direction,
    old_recurring_amount: prepared.quote.old_total,
    new_recurring_amount: prepared.quote.new_total,
    immediate_charge: {
      effective_at: iso(prepared.scheduled ? prepared.scheduled.effective_at : prepared.now),
      line_items,
      summary: {
        total_amount,
        tax: reduced?.tax ?? 0,
        currency,
        subtotal: line_items.reduce((sum, line) => sum + line.amount, 0),
        code_discount: reduced?.code_discount ?? 0,
        customer_credits: subscription_credit_used + wallet_credit_used,
        subscription_credit_used,
        wallet_credit_used,
        settlement_amount: total_amount,
        settlement_currency: currency,
      },
    },
    credit_amount: prepared.quote.credit,
    new_plan: prepared.new_plan,
    usage: prepared.usage,
  };
}

/** The stored fields a change writes (all but the keys). */
function fieldsOf(sub: StoredSubscription): Partial<Omit<StoredSubscription, 'subscription_id' | 'business_id'>> {
  const { subscription_id: _id, business_id: _business, ...fields } = sub;
  return fields;
}

function facts(prepared: PreparedChange) {
  return {
    before: prepared.before,
    after: prepared.after,
    proration_billing_mode: prepared.mode,
    effective_at: prepared.effective_at,
    credit_added: prepared.quote.credit,
  };
}

/**
 * One option: the current quantity (1 for usage-based) and the current addons the product accepts. The
 * direction comes from a first computation, then the collection's defaults for it are previewed.
 */
async function optionFor(tx: Scope, sub: StoredSubscription, product: Product, collection: Collection): Promise<PlanChangeOption> {
  const price = product.price;
  if (price.type === 'one_time_price') throw new Error(`product ${product.product_id} is not a subscription product`);
  const usageBased = price.type === 'usage_based_price';
  const addons = usageBased
    ? []
    : sub.addons.filter((a) => product.addons.includes(a.addon_id)).map(({ addon_id, quantity }) => ({ addon_id, quantity }));
  const quantity = usageBased ? 1 : sub.quantity;
  const frequency = { payment_frequency_count: price.payment_frequency_count, payment_frequency_interval: price.payment_frequency_interval };
  const base = {
    product_id: product.product_id,
    name: product.name,
    description: product.description,
    price_type: price.type,
    currency: price.currency,
    ...frequency,
    quantity,
    addons,
  };
  const body = { product_id: product.product_id, quantity, addons };
  try {
    const probe = await prepareChange(
      tx,
      sub.subscription_id,
      { ...body, proration_billing_mode: 'do_not_bill' },
      { ignorePendingChange: true, skipUsage: true },
    );
    const direction = probe.quote.direction;
    // The portal's defaults (SPEC D18): what a subscriber would be offered for this direction.
    const defaults = directionDefaults(collection, direction, await tx.settings.get(), 'subscriber');
    const permission = permissionFor(collection, direction, sameBillingInterval(sub, frequency));
    const prepared = await prepareChange(
      tx,
      sub.subscription_id,
      { ...body, proration_billing_mode: defaults.proration_billing_mode, effective_at: defaults.effective_at },
      { ignorePendingChange: true, skipUsage: true, requester: 'subscriber' },
    );
    return {
      ...base,
      unit_price: prepared.target.unit_price,
      recurring_amount: prepared.quote.new_total,
      direction,
      allowed: permission.allowed,
      reason: permission.reason,
      ...defaults,
      charge_now: prepared.reduced?.total_amount ?? 0,
      credit_amount: prepared.quote.credit,
    };
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    // The product cannot take this subscription at all (another currency …): listed, refused, with why.
    return {
      ...base,
      unit_price: unitPriceOf(product),
      recurring_amount: null,
      direction: null,
      allowed: false,
      reason: `${error.code}: ${error.message}`,
      proration_billing_mode: null,
      effective_at: null,
      charge_now: null,
      credit_amount: null,
    };
  }
}
