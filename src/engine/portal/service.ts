import type { CardInput, Customer } from '../customers/types.js';
import { BillingError, notFound } from '../errors.js';
import type { LicenseKeyInstance } from '../licenses/types.js';
import type { Invoice } from '../payments/invoice-types.js';
import type { Payment } from '../payments/types.js';
import type { PlanChangeOption, PlanChangeRequest, PlanChangeResult } from '../plan-changes/types.js';
import type { Scope } from '../scope.js';
import type { Page, PageRequest } from '../shared/paging.js';
import { MAX_PAGE_SIZE } from '../shared/paging.js';
import type { PaymentMethodUpdate } from '../subscriptions/service.js';
import type { Subscription } from '../subscriptions/types.js';
import { PortalSessions } from './sessions.js';
import type { PortalChangePreview, PortalLicenseKey, PortalOverview, PortalPlanOptions, PortalSubscription } from './types.js';

/**
 * The customer portal (SPEC §1.6, D7, D18; seed 000 "Customer Portal Integration"): what a customer sees
 * and may do through a portal link. Every action takes the customer the link resolved to and first checks
 * that the subscription, payment or activation is theirs: another customer's id is NOT_FOUND, worded as
 * for an id that does not exist, so nothing is learnt about it. Each action is the same service call the
 * merchant's tool makes (update_subscription, change_subscription_plan …), so it has the same effects.
 */
export class PortalService {
  readonly sessions: PortalSessions;

  constructor(private readonly scope: Scope) {
    this.sessions = new PortalSessions(scope);
  }

  /** Everything the portal shows: profile, subscriptions, payments (newest first), license keys with activations, wallets. */
  async overview(customerId: string): Promise<PortalOverview> {
    const customer = await this.scope.customers.get(customerId);
    const subscriptions = await allPages((page) => this.scope.subscriptions.list({ customer_id: customerId }, page));
    const payments = await allPages((page) => this.scope.payments.list({ customer_id: customerId }, page));
    const keys = await allPages((page) => this.scope.licenses.list({ customer_id: customerId }, page));
    const names = await this.productNames([
      ...subscriptions.flatMap((s) => [s.product_id, s.scheduled_change?.product_id ?? s.product_id]),
      ...keys.map((k) => k.product_id),
    ]);
    const license_keys: PortalLicenseKey[] = [];
    for (const key of keys) {
      const activations = await allPages((page) => this.scope.licenses.listInstances({ license_key_id: key.id }, page));
      license_keys.push({ license_key: key, product_name: names.get(key.product_id) ?? key.product_id, activations });
    }
    return {
      customer,
      subscriptions: subscriptions.map((s) => portalSubscription(s, names)),
      payments,
      license_keys,
      wallets: await this.scope.wallets.list(customerId),
      plan_changes_enabled: (await this.scope.settings.get()).allow_subscription_updates,
    };
  }

  /** One of the customer's subscriptions with its plan names; another customer's is NOT_FOUND. */
  async subscription(customerId: string, subscriptionId: string): Promise<PortalSubscription> {
    const sub = await this.ownSubscription(customerId, subscriptionId);
    return portalSubscription(sub, await this.productNames([sub.product_id, sub.scheduled_change?.product_id ?? sub.product_id]));
  }

  /**
   * The plans this subscription may move to (SPEC D7, D18): none unless the business allows portal plan
   * changes (allow_subscription_updates) and the subscription belongs to a collection; else the
   * collection's other plans as list_plan_change_options gives them, each allowed or with why not.
   */
  async planOptions(customerId: string, subscriptionId: string): Promise<PortalPlanOptions> {
    const subscription = await this.subscription(customerId, subscriptionId);
    const none = (unavailable: string): PortalPlanOptions => ({ subscription, options: [], unavailable });
    if (!(await this.scope.settings.get()).allow_subscription_updates) {
      return none('Plan changes are not available here. Contact the merchant to change your plan.');
    }
    const status = subscription.subscription.status;
    if (status !== 'active') return none(`Only an active subscription can change plan; this one is ${status.replace('_', ' ')}.`);
    if (subscription.subscription.cancel_at_next_billing_date) {
      return none('This subscription is set to cancel. Keep it first, then change the plan.');
    }
    const listed = await this.scope.planChanges.listPlanChangeOptions(subscriptionId, { page_size: MAX_PAGE_SIZE });
    if (listed.collection_id === null) return none('This plan has no other plans to switch to.');
    return { subscription, options: listed.items, unavailable: listed.items.length === 0 ? 'This plan has no other plans to switch to.' : null };
  }

  /**
   * The preview of moving to `productId` with the collection's defaults (D18), as
   * preview_subscription_plan_change computes it for the same request. Basic 3000 → Pro 8000 on day 10 of
   * 30: 3333 now (§3 A). A plan not offered, or not allowed, is refused with the reason (FORBIDDEN).
   */
  async previewChange(customerId: string, subscriptionId: string, productId: string): Promise<PortalChangePreview> {
    const { option, request } = await this.allowedChange(customerId, subscriptionId, productId);
    return { option, request, preview: await this.scope.planChanges.preview(subscriptionId, request) };
  }

  /**
   * Carries out the previewed change with the same request (PlanChangeService.change), so the charge is
   * the preview's. `expected` is what the customer confirmed: if time has moved the amount (a prorated
   * charge falls by about a cent every 5 minutes on a $80 plan), nothing is changed and CONFLICT names the
   * new amount, to be confirmed again.
   */
  async changePlan(
    customerId: string,
    subscriptionId: string,
    productId: string,
    expected: { total_amount: number; credit_amount: number },
  ): Promise<PlanChangeResult> {
    const { request, preview } = await this.previewChange(customerId, subscriptionId, productId);
    const total = preview.immediate_charge.summary.total_amount;
    if (total !== expected.total_amount || preview.credit_amount !== expected.credit_amount) {
      throw new BillingError(
        'CONFLICT',
        `the amount changed since the preview: now ${total} charged and ${preview.credit_amount} credited`,
        'review the new amount and confirm again',
      );
    }
    return this.scope.planChanges.change(subscriptionId, request);
  }

  /** Cancel at the next billing date (true) or keep the subscription (false): update_subscription's call. */
  async setCancelAtNextBillingDate(customerId: string, subscriptionId: string, cancel: boolean): Promise<Subscription> {
    await this.ownSubscription(customerId, subscriptionId);
    return this.scope.subscriptions.update(subscriptionId, { cancel_at_next_billing_date: cancel });
  }

  /**
   * Saves the card for the customer, then makes it the subscription's method: on an on_hold subscription
   * this charges the outstanding amount and reactivates it (SPEC D15, recovery.ts); a declined card leaves
   * it on_hold (the result's payment says why).
   */
  async updateCard(customerId: string, subscriptionId: string, card: CardInput): Promise<PaymentMethodUpdate> {
    await this.ownSubscription(customerId, subscriptionId);
    const method = await this.scope.customers.createPaymentMethod(customerId, card);
    return this.scope.subscriptions.updatePaymentMethod(subscriptionId, { payment_method_id: method.payment_method_id });
  }

  /** Removes one activation of one of the customer's license keys (LicenseService.deactivate). */
  async deactivateActivation(customerId: string, instanceId: string): Promise<LicenseKeyInstance> {
    const instance = await this.scope.licenses.getInstance(instanceId).catch((error: unknown) => {
      throw error instanceof BillingError ? activationNotFound(instanceId) : error;
    });
    const key = await this.scope.licenses.get(instance.license_key_id);
    if (key.customer_id !== customerId) throw activationNotFound(instanceId);
    await this.scope.licenses.deactivate({ license_key: key.key, license_key_instance_id: instanceId });
    return instance;
  }

  /** Name and phone, as update_customer changes them; a blank phone clears it. */
  async updateProfile(customerId: string, changes: { name: string; phone_number: string | null }): Promise<Customer> {
    return this.scope.customers.update(customerId, changes);
  }

  /** The invoice of one of the customer's payments (get_payment_invoice's). */
  async invoice(customerId: string, paymentId: string): Promise<{ payment: Payment; invoice: Invoice }> {
    const payment = await this.scope.payments.get(paymentId).catch((error: unknown) => {
      throw error instanceof BillingError ? notFound('payment', paymentId, 'the billing history') : error;
    });
    if (payment.customer.customer_id !== customerId) throw notFound('payment', paymentId, 'the billing history');
    return { payment, invoice: await this.scope.payments.invoice(paymentId) };
  }

  private async allowedChange(
    customerId: string,
    subscriptionId: string,
    productId: string,
  ): Promise<{ option: PlanChangeOption; request: PlanChangeRequest }> {
    const { subscription, options, unavailable } = await this.planOptions(customerId, subscriptionId);
    if (unavailable !== null) throw new BillingError('FORBIDDEN', unavailable, 'the subscription page lists what can be done');
    const option = options.find((o) => o.product_id === productId);
    if (!option) throw notFound('plan option', productId, 'the change-plan page');
    if (!option.allowed || option.proration_billing_mode === null || option.effective_at === null) {
      throw new BillingError('FORBIDDEN', `${option.name} is not available: ${option.reason ?? 'not offered'}`, 'pick one of the offered plans');
    }
    return {
      option,
      request: {
        product_id: option.product_id,
        quantity: option.quantity,
        addons: option.addons,
        proration_billing_mode: option.proration_billing_mode,
        effective_at: option.effective_at,
        // A plan chosen while another is scheduled takes its place.
        cancel_scheduled_plan_change: subscription.subscription.scheduled_change !== null,
      },
    };
  }

  private async ownSubscription(customerId: string, subscriptionId: string): Promise<Subscription> {
    const sub = await this.scope.subscriptions.get(subscriptionId).catch((error: unknown) => {
      throw error instanceof BillingError ? notFound('subscription', subscriptionId, 'the subscriptions page') : error;
    });
    if (sub.customer.customer_id !== customerId) throw notFound('subscription', subscriptionId, 'the subscriptions page');
    return sub;
  }

  private async productNames(ids: readonly string[]): Promise<Map<string, string>> {
    const products = await this.scope.products.findMany([...new Set(ids)]);
    return new Map(products.map((p) => [p.product_id, p.name]));
  }
}

function activationNotFound(instanceId: string): BillingError {
  return new BillingError('NOT_FOUND', `no activation ${instanceId}`, 'the license keys page lists your activations');
}

function portalSubscription(subscription: Subscription, names: ReadonlyMap<string, string>): PortalSubscription {
  const scheduled = subscription.scheduled_change?.product_id;
  return {
    subscription,
    product_name: names.get(subscription.product_id) ?? subscription.product_id,
    scheduled_product_name: scheduled === undefined ? null : (names.get(scheduled) ?? scheduled),
  };
}

/** Every item of a paged list (a customer's subscriptions, payments, keys: a handful each). */
async function allPages<T>(list: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let page_number = 0; ; page_number += 1) {
    const page = await list({ page_size: MAX_PAGE_SIZE, page_number });
    items.push(...page.items);
    if (!page.has_more) return items;
  }
}
