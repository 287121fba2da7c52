import { iso } from '../clock.js';
import type { Collection } from '../collections/types.js';
import type { Discount } from '../discounts/types.js';
import { BillingError, notFound } from '../errors.js';
import { type ReducedCharge, reduceCharge } from '../pricing/charge-reductions.js';
import { eligibleProductIds } from '../pricing/code-discount.js';
import type { Interval, Product } from '../products/types.js';
import { type EffectiveAt, type OnPaymentFailure, PRORATION_BILLING_MODES, type ProrationBillingMode } from '../rules/plan-change-modes.js';
import { inTrial, unitPriceOf } from '../rules/subscription-plan.js';
import type { Scope } from '../scope.js';
import { checkMetadata, type Metadata } from '../shared/metadata.js';
import type { SubscriptionChargeLine } from '../subscriptions/billing.js';
import type { ScheduledChange, StoredSubscription, Subscription, SubscriptionAddon } from '../subscriptions/types.js';
import type { ClosingUsage } from '../usage/billing.js';
import { type ChangeRequester, directionDefaults, onPaymentFailureOf } from './policy.js';
import { type Plan, type PlanItem, type Quote, quoteChange, scheduleAfterChange } from './quote.js';
import { findPendingChange, type StoredScheduledChange } from './repo.js';
import type { PlanChangeAddon, PlanChangeRequest, PlanChangeUsage } from './types.js';

/** The plan a subscription moves to, checked against the catalogue (SPEC §2.4 preconditions, §1.4). */
export interface TargetPlan {
  product: Product;
  quantity: number;
  unit_price: number;
  addons: SubscriptionAddon[];
  tax_inclusive: boolean;
  payment_frequency_count: number;
  payment_frequency_interval: Interval;
}

/** The discount a subscription carries after a change (SPEC §2.4 "Discount"). */
export interface DiscountAfter {
  discount: Discount | null;
  cycles_remaining: number | null;
  /** A code given with this change: its use is recorded once the change applies. */
  is_new: boolean;
}

/**
 * Everything a plan change will do, computed inside the caller's transaction (`tx`) without writing anything:
 * the preview returns it, the change carries it out. Both use this one value, so a preview always states
 * exactly what the change then charges.
 */
export interface PreparedChange {
  now: number;
  before: StoredSubscription;
  /** The stored subscription once the change applies (immediately: charge assumed to succeed). */
  after: StoredSubscription;
  target: TargetPlan;
  mode: ProrationBillingMode;
  effective_at: EffectiveAt;
  on_payment_failure: OnPaymentFailure;
  collection: Collection | null;
  quote: Quote;
  discount: DiscountAfter;
  /** The pending scheduled change this one replaces (cancel_scheduled_plan_change), if any. */
  replaces: StoredScheduledChange | null;
  /** The change to store when effective_at = next_billing_date; null for an immediate change. */
  scheduled: Omit<StoredScheduledChange, 'change_id'> | null;
  /**
   * Lines to charge now (only lines with an amount); empty when nothing is charged. The new plan's lines
   * first, then the meter lines of `closing_usage` when it bills anything.
   */
  charge_lines: SubscriptionChargeLine[];
  /**
   * A change that restarts the cycle closes the period now, so the period's usage (every part of it, D6) is
   * billed with the change's charge instead of at a renewal that will no longer close it: record it once
   * the charge is made (payment null when the meters bill 0). Null for other changes and without meters.
   */
  closing_usage: ClosingUsage | null;
  /** Usage-based subscriptions: the current part of the period so far (previews and results show it). */
  usage: PlanChangeUsage | null;
  /** The charge after code, credits and tax, as chargeSubscription will compute it; null without a charge. */
  reduced: ReducedCharge | null;
  /**
   * What the customer owes if the charge fails: the charge after the code, with tax, before credits. A
   * failed charge uses no credit (the wallet part is given back), so this is the on_hold outstanding_amount.
   */
  owed_if_failed: number;
  metadata: Metadata | undefined;
  /** The API view of `after` (with the scheduled change of a scheduled request). */
  new_plan: Subscription;
}

/** Options for callers that compute changes on behalf of the subscriber (list_plan_change_options). */
export interface PrepareOptions {
  /** Compute as if a pending scheduled change were cancelled, instead of refusing with CONFLICT. */
  ignorePendingChange?: boolean;
  /** Leave `usage` null: the caller shows no usage (list_plan_change_options), so it is not measured. */
  skipUsage?: boolean;
  /** Whose defaults fill what the body omits (policy.ts ChangeRequester); default the merchant's. */
  requester?: ChangeRequester;
}

/** The id a preview shows for a scheduled change it has not stored. */
export const PREVIEW_SCHEDULED_CHANGE_ID = 'spc_preview';

export async function prepareChange(
  tx: Scope,
  subscriptionId: string,
  body: PlanChangeRequest,
  options: PrepareOptions = {},
): Promise<PreparedChange> {
  const before = await changeableSubscription(tx, subscriptionId);
  checkBody(body);
  const metadata = body.metadata === undefined ? undefined : checkMetadata(body.metadata);
  const target = await targetPlanOf(tx, before, body);
  const pending = (await findPendingChange(tx.db, before.subscription_id)) ?? null;
  if (pending && !body.cancel_scheduled_plan_change && !options.ignorePendingChange) {
    throw new BillingError(
      'CONFLICT',
      `subscription ${before.subscription_id} already has a plan change to ${pending.product_id} scheduled for ${iso(pending.effective_at)}`,
      'send cancel_scheduled_plan_change: true to replace it, or cancel_scheduled_plan_change first',
    );
  }
  const collection = await tx.collections.governing(before);
  const discount = await discountAfter(tx, before, target.product, body.discount_code);

  const now = tx.clock.now();
  const period = { previous_billing_date: before.previous_billing_date, next_billing_date: before.next_billing_date, in_trial: inTrial(before) };
  // One lookup names the addons of both plans; the current product is named from the catalogue (its id
  // where it is gone), so a credit line reads "Unused time on Basic".
  const names = await addonNames(tx, [...before.addons, ...target.addons]);
  const currentName = (await tx.products.find(before.product_id))?.name ?? before.product_id;
  const currentPlan = planOf({ ...before, name: currentName }, names);
  const targetPlan = planOf({ ...target, product_id: target.product.product_id, name: target.product.name }, names);
  const quote = quoteChange(currentPlan, targetPlan, period, body.proration_billing_mode, now);
  const settings = await tx.settings.get();
  const defaults = directionDefaults(collection, quote.direction, settings, options.requester);
  const effective_at = body.effective_at ?? defaults.effective_at;
  const on_payment_failure = onPaymentFailureOf(collection, body.on_payment_failure, settings);
  const customer = await tx.customers.get(before.customer_id);
  const view = { customer_id: customer.customer_id, email: customer.email, name: customer.name };
  const common = {
    now,
    before,
    target,
    mode: body.proration_billing_mode,
    effective_at,
    on_payment_failure,
    collection,
    discount,
    replaces: pending,
    metadata,
  };
  const part = options.skipUsage ? null : await tx.usage.currentPartUsage(before, now);
  const usageBilledAt = (at: number): PlanChangeUsage | null =>
    part && {
      product_id: part.product_id,
      start_date: iso(part.start),
      end_date: iso(part.end),
      billed_at: iso(at),
      meters: part.meters,
      total_amount: part.amount,
    };

  if (effective_at === 'next_billing_date') {
    const scheduled: Omit<StoredScheduledChange, 'change_id'> = {
      subscription_id: before.subscription_id,
      product_id: target.product.product_id,
      quantity: target.quantity,
      addons: target.addons.map(({ addon_id, quantity }) => ({ addon_id, quantity })),
      discount_id: discount.discount?.discount_id ?? null,
      effective_at: before.next_billing_date,
      status: 'pending',
      created_at: now,
      updated_at: now,
    };
    const scheduledView: ScheduledChange = {
      id: PREVIEW_SCHEDULED_CHANGE_ID,
      product_id: scheduled.product_id,
      quantity: scheduled.quantity,
      addons: scheduled.addons,
      effective_at: iso(scheduled.effective_at),
      created_at: iso(now),
    };
    // SPEC §2.4: the proration mode is ignored; nothing is charged or credited until the switch.
    const quiet: Quote = { ...quote, charge: 0, credit: 0, resets_cycle: false, lines: [] };
    return {
      ...common,
      after: before,
      quote: quiet,
      scheduled,
      charge_lines: [],
      closing_usage: null,
      // The scheduled change applies at the renewal, after it measures this part under the current product.
      usage: usageBilledAt(before.next_billing_date),
      reduced: null,
      owed_if_failed: 0,
      new_plan: tx.subscriptions.present(before, view, scheduledView),
    };
  }

  const schedule = scheduleAfterChange(before, target, { resets_cycle: quote.resets_cycle, interval_changes: quote.interval_changes }, now);
  const after: StoredSubscription = {
    ...before,
    ...schedule,
    product_id: target.product.product_id,
    quantity: target.quantity,
    unit_price: target.unit_price,
    addons: target.addons,
    tax_inclusive: target.tax_inclusive,
    payment_frequency_count: target.payment_frequency_count,
    payment_frequency_interval: target.payment_frequency_interval,
    discount_id: discount.discount?.discount_id ?? null,
    discount_cycles_remaining: discount.cycles_remaining,
    credit_balance: before.credit_balance + quote.credit,
    updated_at: now,
  };
  const closed = quote.resets_cycle ? await tx.usage.closingPeriodUsage(before, now) : null;
  const closing_usage = closed !== null && closed.lines.length > 0 ? closed : null;
  const charge_lines = [...chargeLinesOf(quote, target.tax_inclusive), ...(closing_usage && closing_usage.amount > 0 ? closing_usage.lines : [])];
  const reduced = charge_lines.length === 0 ? null : await reduceFor(tx, after, discount, charge_lines, true);
  const owed_if_failed = charge_lines.length === 0 ? 0 : (await reduceFor(tx, after, discount, charge_lines, false)).total_amount;
  // The view shows the subscription once charged: the credit the charge uses is gone from its balance.
  const charged = { ...after, credit_balance: after.credit_balance - (reduced?.subscription_credit_used ?? 0) };
  return {
    ...common,
    after,
    quote,
    scheduled: null,
    charge_lines,
    closing_usage,
    usage: usageBilledAt(quote.resets_cycle ? now : before.next_billing_date),
    reduced,
    owed_if_failed,
    new_plan: tx.subscriptions.present(charged, view, null),
  };
}

/** SPEC §2.4 preconditions on the subscription, in order: exists, active, not on-demand, no scheduled cancel. */
export async function changeableSubscription(tx: Scope, subscriptionId: string): Promise<StoredSubscription> {
  const sub = await tx.subscriptions.findStored(subscriptionId);
  if (!sub) throw notFound('subscription', subscriptionId, 'list_subscriptions');
  if (sub.status !== 'active') {
    throw new BillingError(
      'INACTIVE_SUBSCRIPTION_PLAN_CHANGE_NOT_SUPPORTED',
      `subscription ${subscriptionId} is ${sub.status}; only active subscriptions can change plan`,
      sub.status === 'on_hold'
        ? `settle it first: update_subscription_payment_method charges the outstanding ${sub.outstanding_amount} and reactivates it`
        : 'start a new subscription with create_checkout_session',
    );
  }
  if (sub.on_demand) {
    throw new BillingError(
      'ON_DEMAND_PLAN_CHANGE_NOT_SUPPORTED',
      `subscription ${subscriptionId} is on-demand; on-demand subscriptions cannot change plan`,
      'charge it with charge_subscription, or start a new subscription on the other product',
    );
  }
  if (sub.cancel_at_next_billing_date) {
    throw new BillingError(
      'PLAN_CHANGE_NOT_ALLOWED_FOR_SCHEDULED_CANCELLATION',
      `subscription ${subscriptionId} is set to cancel at ${iso(sub.next_billing_date)}`,
      'undo that with update_subscription cancel_at_next_billing_date: false, then change the plan',
    );
  }
  return sub;
}

function checkBody(body: PlanChangeRequest): void {
  if (!Number.isSafeInteger(body.quantity) || body.quantity < 1) {
    throw new BillingError('INVALID_REQUEST_BODY', `quantity must be a whole number ≥ 1, got ${body.quantity}`, 'send e.g. 1');
  }
  if (!(PRORATION_BILLING_MODES as readonly string[]).includes(body.proration_billing_mode)) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `proration_billing_mode must be one of ${PRORATION_BILLING_MODES.join(', ')}, got "${String(body.proration_billing_mode)}"`,
      'preview_subscription_plan_change shows what each mode charges',
    );
  }
  const seen = new Set<string>();
  for (const addon of body.addons ?? []) {
    if (!Number.isSafeInteger(addon.quantity) || addon.quantity < 1) {
      throw new BillingError('INVALID_REQUEST_BODY', `addon ${addon.addon_id} needs a whole quantity ≥ 1, got ${addon.quantity}`, 'send e.g. 1');
    }
    if (seen.has(addon.addon_id)) {
      throw new BillingError('INVALID_REQUEST_BODY', `addon ${addon.addon_id} is listed twice`, 'list each addon once with its total quantity');
    }
    seen.add(addon.addon_id);
  }
}

/**
 * The target plan (SPEC §2.4, §1.4): the product exists (NOT_FOUND), is live (PRODUCT_IS_DELETED), is a
 * subscription product (INVALID_REQUEST_PARAMETERS) in the subscription's currency (UNSUPPORTED_CURRENCY);
 * usage-based products take quantity 1 (INVALID_QUANTITY) and no addons
 * (ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED); every addon exists and is attached to the product
 * (MISSING_ADDON_IDS). Addons omitted keep the current ones (D5). The new plan takes the catalogue's
 * prices now, addons included: "existing subscriptions keep their amount until a plan change" (SPEC §1.1).
 */
async function targetPlanOf(tx: Scope, sub: StoredSubscription, body: PlanChangeRequest): Promise<TargetPlan> {
  const product = await tx.products.find(body.product_id);
  if (!product) throw notFound('product', body.product_id, 'list_products');
  if (product.archived) {
    throw new BillingError(
      'PRODUCT_IS_DELETED',
      `product ${product.product_id} is archived`,
      'unarchive_product restores it, or pick a live product',
    );
  }
  const price = product.price;
  if (price.type === 'one_time_price') {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `product ${product.product_id} is a one-time product; a subscription can only move to a recurring or usage-based product`,
      'list_products with recurring: true shows the subscription products',
    );
  }
  if (price.currency !== sub.currency) {
    throw new BillingError(
      'UNSUPPORTED_CURRENCY',
      `product ${product.product_id} is priced in ${price.currency}; subscription ${sub.subscription_id} bills in ${sub.currency}`,
      `pick a product priced in ${sub.currency}`,
    );
  }
  const usageBased = price.type === 'usage_based_price';
  if (usageBased && body.quantity !== 1) {
    throw new BillingError(
      'INVALID_QUANTITY',
      `usage-based product ${product.product_id} takes quantity 1, got ${body.quantity}`,
      'send quantity: 1',
    );
  }
  const requested: PlanChangeAddon[] = body.addons ?? sub.addons.map(({ addon_id, quantity }) => ({ addon_id, quantity }));
  if (usageBased && requested.length > 0) {
    throw new BillingError(
      'ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED',
      `usage-based product ${product.product_id} takes no addons, and ${body.addons === undefined ? 'the subscription keeps its current ones when addons is omitted' : 'addons were given'}`,
      'send addons: [] to drop them',
    );
  }
  const found = new Map((await tx.addons.findMany(requested.map((a) => a.addon_id))).map((a) => [a.addon_id, a]));
  const missing = requested.filter((a) => !found.has(a.addon_id) || !product.addons.includes(a.addon_id)).map((a) => a.addon_id);
  if (missing.length > 0) {
    throw new BillingError(
      'MISSING_ADDON_IDS',
      `addons ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not available on product ${product.product_id}` +
        (body.addons === undefined ? ' (omitting addons keeps the current ones)' : ''),
      product.addons.length > 0
        ? `product ${product.product_id} offers ${product.addons.join(', ')}; send addons explicitly, or [] for none`
        : 'send addons: [] to drop them',
    );
  }
  const addons: SubscriptionAddon[] = [];
  for (const { addon_id, quantity } of requested) {
    const addon = found.get(addon_id);
    if (!addon) continue;
    if (addon.currency !== sub.currency) {
      throw new BillingError(
        'UNSUPPORTED_CURRENCY',
        `addon ${addon_id} is priced in ${addon.currency}, the subscription in ${sub.currency}`,
        'pick addons in the same currency',
      );
    }
    addons.push({ addon_id, quantity, unit_price: addon.price });
  }
  return {
    product,
    quantity: body.quantity,
    unit_price: unitPriceOf(product),
    addons,
    tax_inclusive: price.tax_inclusive ?? false,
    payment_frequency_count: price.payment_frequency_count,
    payment_frequency_interval: price.payment_frequency_interval,
  };
}

/**
 * SPEC §2.4: a new discount_code replaces the current code (validated against the new product, §2.8);
 * otherwise the current code is kept only when preserve_on_plan_change is true and it applies to the new
 * product, with the cycles it has left; else it is dropped.
 */
async function discountAfter(tx: Scope, sub: StoredSubscription, product: Product, code: string | undefined): Promise<DiscountAfter> {
  if (code !== undefined) {
    const discount = await tx.discounts.validate(code, { product_ids: [product.product_id] });
    return { discount, cycles_remaining: discount.subscription_cycles, is_new: true };
  }
  if (sub.discount_id === null) return { discount: null, cycles_remaining: null, is_new: false };
  const current = await tx.discounts.get(sub.discount_id, { include_deleted: true });
  const keeps = current.preserve_on_plan_change && eligibleProductIds(current, [product.product_id]).length > 0;
  return keeps
    ? { discount: current, cycles_remaining: sub.discount_cycles_remaining, is_new: false }
    : { discount: null, cycles_remaining: null, is_new: false };
}

/** What a plan is billed from: the subscription as it stands (frozen prices) or the target of a change. */
interface BilledPlan {
  product_id: string;
  name: string;
  quantity: number;
  unit_price: number;
  addons: readonly SubscriptionAddon[];
  payment_frequency_count: number;
  payment_frequency_interval: Interval;
}

/** The plan's items: the product line, then one line per addon (named from `names`, else by id). */
function planOf(plan: BilledPlan, names: ReadonlyMap<string, string>): Plan {
  return {
    items: [
      {
        type: 'subscription',
        id: plan.product_id,
        product_id: plan.product_id,
        name: plan.name,
        quantity: plan.quantity,
        unit_price: plan.unit_price,
      },
      ...plan.addons.map((a): PlanItem => ({
        type: 'addon',
        id: a.addon_id,
        product_id: plan.product_id,
        name: names.get(a.addon_id) ?? a.addon_id,
        quantity: a.quantity,
        unit_price: a.unit_price,
      })),
    ],
    payment_frequency_count: plan.payment_frequency_count,
    payment_frequency_interval: plan.payment_frequency_interval,
  };
}

async function addonNames(tx: Scope, addons: readonly SubscriptionAddon[]): Promise<Map<string, string>> {
  return new Map((await tx.addons.findMany(addons.map((a) => a.addon_id))).map((a) => [a.addon_id, a.name]));
}

/**
 * The lines chargeSubscription bills when the change charges: every line of the quote, the credited ones
 * included, each with its quantity, unit price and factor, so the payment and its invoice show the lines
 * the preview showed. A change that credits (the lines sum below 0) charges nothing.
 */
function chargeLinesOf(quote: Quote, taxInclusive: boolean): SubscriptionChargeLine[] {
  if (quote.charge === 0) return [];
  return quote.lines.map((line) => ({
    item_id: line.id,
    kind: line.type === 'subscription' ? 'product' : 'addon',
    name: line.name,
    product_id: line.product_id,
    quantity: line.quantity,
    unit_price: line.unit_price,
    ...(line.is_prorated && { prorated_gross: line.amount }),
    discount_percent: 0,
    tax_inclusive: taxInclusive,
    is_prorated: line.is_prorated,
    proration_factor: line.proration_factor,
  }));
}

/** The charge as chargeSubscription will reduce it for `after` (its code, credit and the wallet, SPEC D4). */
async function reduceFor(
  tx: Scope,
  after: StoredSubscription,
  discount: DiscountAfter,
  lines: readonly SubscriptionChargeLine[],
  withCredits: boolean,
): Promise<ReducedCharge> {
  const cycles = discount.cycles_remaining;
  const code = discount.discount !== null && (cycles === null || cycles > 0) ? discount.discount : null;
  const wallet = await tx.wallets.find(after.customer_id, after.currency);
  const { default_tax_rate_bps } = await tx.settings.get();
  return reduceCharge({
    lines,
    code,
    credit_balance: withCredits ? after.credit_balance : 0,
    wallet_balance: withCredits ? (wallet?.balance ?? 0) : 0,
    tax_rate_bps: default_tax_rate_bps,
  });
}
