import type { SubscriptionCheckout, SubscriptionStart, SubscriptionStarter } from '../checkout/subscription-starter.js';
import type { Discount } from '../discounts/types.js';
import { BillingError, notFound } from '../errors.js';
import { assertCurrency } from '../money.js';
import type { Payment } from '../payments/types.js';
import { priceCart } from '../pricing/price-lines.js';
import { checkBillingAddress } from '../rules/billing-address.js';
import { type CartLine, checkCart } from '../rules/cart.js';
import { assertChargeableTotal } from '../rules/minimum-charge.js';
import { inTrial, unitPriceOf } from '../rules/subscription-plan.js';
import type { Scope } from '../scope.js';
import { checkMetadata } from '../shared/metadata.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { chargeSubscription, periodLinesOf, type SubscriptionCharge } from './billing.js';
import { emitSubscriptionEvent, type SubscriptionEventType } from './events.js';
import { chargeFinalUsage } from './final-usage.js';
import { recoverFromHold } from './recovery.js';
import {
  cancelPendingScheduledChanges,
  findPendingScheduledChange,
  findStoredSubscription,
  latestPaymentStatus,
  listStoredSubscriptions,
  toSubscription,
  updateSubscription,
} from './repo.js';
import { checkTrialDays, futureInstant, termEnd } from './rules.js';
import { startSubscription } from './start.js';
import {
  SUBSCRIPTION_STATUSES,
  type NewSubscription,
  type OnDemandCharge,
  type ScheduledChange,
  type StoredSubscription,
  type Subscription,
  type SubscriptionChanges,
  type SubscriptionCustomer,
  type SubscriptionFilter,
} from './types.js';

/** A new subscription and its first payment (null for an on-demand mandate without a charge). */
export interface CreatedSubscription {
  subscription: Subscription;
  payment: Payment | null;
}

/** The subscription after a payment-method update, and the outstanding-amount charge when it was on hold. */
export interface PaymentMethodUpdate {
  subscription: Subscription;
  payment: Payment | null;
}

const MAX_DESCRIPTION_LENGTH = 1000;

/**
 * Subscriptions (SPEC §1.13, §2.3, §2.6): start, read, update, cancel, payment-method updates (which
 * recover on_hold ones) and on-demand charges. Every write is one transaction with its events.
 * Renewals, trial ends, scheduled cancellations and term ends are the due-work runner's (runner.ts).
 */
export class SubscriptionService {
  constructor(private readonly scope: Scope) {}

  async get(subscriptionId: string): Promise<Subscription> {
    const found = await this.find(subscriptionId);
    if (!found) throw notFound('subscription', subscriptionId, 'list_subscriptions');
    return found;
  }

  /** The API view of one subscription, or undefined when the business has no such id. */
  async find(subscriptionId: string): Promise<Subscription | undefined> {
    const stored = await this.findStored(subscriptionId);
    return stored && this.view(stored);
  }

  /** Newest first; filters combine with AND. */
  async list(filter: SubscriptionFilter = {}, page?: PageRequest): Promise<Page<Subscription>> {
    if (filter.status !== undefined && !(SUBSCRIPTION_STATUSES as readonly string[]).includes(filter.status)) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        `status must be one of ${SUBSCRIPTION_STATUSES.join(', ')}, got ${filter.status}`,
        'send e.g. active',
      );
    }
    const window = pageWindow(page);
    const views: Subscription[] = [];
    for (const stored of await listStoredSubscriptions(this.scope.db, this.scope.businessId, filter, window)) views.push(await this.view(stored));
    return toPage(window, views);
  }

  /** The stored subscription (every field the engine keeps), or undefined when the business has no such id. */
  findStored(subscriptionId: string): Promise<StoredSubscription | undefined> {
    return findStoredSubscription(this.scope.db, this.scope.businessId, subscriptionId);
  }

  /** The API view of a stored subscription the caller has read: its customer and pending scheduled change added. */
  async view(stored: StoredSubscription): Promise<Subscription> {
    return this.present(stored, await this.customerOf(stored), await findPendingScheduledChange(this.scope.db, stored.subscription_id));
  }

  /** The API view of a subscription as given (a plan change's preview of the subscription it leaves). */
  present(stored: StoredSubscription, customer: SubscriptionCustomer, scheduled: ScheduledChange | null): Subscription {
    return toSubscription(stored, customer, scheduled);
  }

  /**
   * Writes the changed fields of a stored subscription (PATCH-style), in the caller's transaction: how a
   * plan change applies its new plan (plan-changes/). subscription_id and business_id never change.
   */
  async updateStored(subscriptionId: string, changes: Partial<Omit<StoredSubscription, 'subscription_id' | 'business_id'>>): Promise<void> {
    if (!this.scope.db.isTransaction) throw new Error('updateStored must run inside the transaction of the change');
    await updateSubscription(this.scope.db, subscriptionId, changes);
  }

  /** Records a subscription event in the caller's transaction (see events.ts) and returns the subscription. */
  emit(type: SubscriptionEventType, subscriptionId: string, extra: Record<string, unknown> = {}): Promise<Subscription> {
    return emitSubscriptionEvent(this.scope, type, subscriptionId, extra);
  }

  /** Charges a subscription in the caller's transaction with the reductions of SPEC D4 (see billing.ts). */
  bill(charge: SubscriptionCharge): Promise<Payment> {
    return chargeSubscription(this.scope, charge);
  }

  /**
   * POST /subscriptions for a customer with a saved method (SPEC §2.3). Checks, first failure wins: the
   * customer and their method; the product line as checkout's rules 1–5 (live recurring or usage-based
   * product, quantity, brand, addons); on-demand limits (§2.6: not usage-based, no addons, no code); the
   * code (§2.8); trial 0–10000 days (overriding the product's); the 50-minor-unit minimum (D13); the one
   * live subscription per customer when allow_multiple_subscriptions is off. Then see start.ts. A
   * declined first charge is an outcome (status failed), not an error.
   */
  async create(input: NewSubscription): Promise<CreatedSubscription> {
    const metadata = checkMetadata(input.metadata);
    const billing = input.billing === undefined ? null : checkBillingAddress(input.billing, 'country');
    const trialOverride = input.trial_period_days === undefined ? null : checkTrialDays(input.trial_period_days);
    const onDemand = input.on_demand ?? null;
    if (onDemand?.product_price !== undefined && (!Number.isSafeInteger(onDemand.product_price) || onDemand.product_price < 0)) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        `on_demand.product_price must be whole minor units ≥ 0 (2500 = $25.00), got ${onDemand.product_price}`,
        'send an integer amount in cents',
      );
    }
    return this.scope.transaction(async (tx) => {
      const customer = await tx.customers.get(input.customer_id);
      const method = await tx.customers.getPaymentMethod(customer.customer_id, input.payment_method_id);
      const line = { product_id: input.product_id, quantity: input.quantity, addons: input.addons ?? [] };
      const facts = await tx.products.cartFacts([line]);
      const cart = checkCart([line], facts, { amount_required: true, on_demand: onDemand !== null });
      const checked = cart.lines[0];
      if (!checked || !cart.subscription) {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `product ${input.product_id} is a one-time product; subscriptions need a recurring or usage-based product`,
          'sell it with create_payment, or pick a subscription product (list_products shows is_recurring)',
        );
      }
      const product = checked.product;
      if (onDemand !== null && product.price.type === 'usage_based_price') {
        throw new BillingError(
          'ON_DEMAND_USAGE_BASED_BILLING_NOT_SUPPORTED',
          `On demand subscriptions are not supported for usage based billing (product ${product.product_id})`,
          'drop on_demand, or use a recurring product',
        );
      }
      const discount =
        input.discount_code === undefined
          ? null
          : await tx.discounts.validate(input.discount_code, { product_ids: [product.product_id], on_demand: onDemand !== null });
      const trialDays = trialOverride ?? (product.price.type === 'one_time_price' ? 0 : product.price.trial_period_days);
      await assertMinimum(tx, product.product_id, checked, discount, onDemand?.product_price);

      const started = await startSubscription(tx, {
        customer,
        payment_method: method,
        product,
        quantity: checked.quantity,
        addons: checked.addons,
        discount,
        trial_period_days: trialDays,
        on_demand: onDemand,
        billing,
        metadata,
        collection_id: null,
        checkout_session_id: null,
      });
      // times_used counts successful purchases (SPEC §2.8), the $0 trial start included.
      if (discount && started.payment?.status === 'succeeded') await tx.discounts.recordUse(discount.discount_id);
      return { subscription: await tx.subscriptions.get(started.subscription_id), payment: started.payment };
    });
  }

  /**
   * PATCH /subscriptions/{id} (SPEC §2.3). `metadata` replaces the map, `billing` replaces the address
   * (null clears). `next_billing_date` must be in the future (INVALID_REQUEST_PARAMETERS) and moves the
   * next charge on an active subscription: during a trial it extends the trial (and the term with it);
   * later periods count from the new date. `cancel_at_next_billing_date` schedules (true) or withdraws
   * (false) the cancellation at next_billing_date, on an active subscription. One subscription.updated
   * per call that changes something.
   */
  async update(subscriptionId: string, changes: SubscriptionChanges): Promise<Subscription> {
    const metadata = changes.metadata === undefined ? undefined : checkMetadata(changes.metadata);
    const billing = changes.billing === undefined ? undefined : changes.billing === null ? null : checkBillingAddress(changes.billing, 'country');
    return this.scope.transaction(async (tx) => {
      const sub = await storedOrNotFound(tx, subscriptionId);
      const now = tx.clock.now();
      const patch: Partial<StoredSubscription> = {};
      if (metadata !== undefined) patch.metadata = metadata;
      if (billing !== undefined) patch.billing = billing;
      if (changes.next_billing_date !== undefined) {
        const next = futureInstant('next_billing_date', changes.next_billing_date, now);
        assertActive(sub, 'move next_billing_date');
        // Re-anchor: the next period starts at the new date and later ones count from it.
        patch.next_billing_date = next;
        patch.billing_anchor = next;
        patch.anchor_period_index = sub.period_index + 1;
        if (inTrial(sub)) patch.expires_at = termEnd(next, sub.subscription_period_count, sub.subscription_period_interval);
      }
      if (changes.cancel_at_next_billing_date !== undefined && changes.cancel_at_next_billing_date !== sub.cancel_at_next_billing_date) {
        assertActive(sub, changes.cancel_at_next_billing_date ? 'schedule a cancellation' : 'withdraw a scheduled cancellation');
        patch.cancel_at_next_billing_date = changes.cancel_at_next_billing_date;
      }
      if (Object.keys(patch).length === 0) return tx.subscriptions.get(subscriptionId);
      await updateSubscription(tx.db, subscriptionId, { ...patch, updated_at: now });
      return emitSubscriptionEvent(tx, 'subscription.updated', subscriptionId);
    });
  }

  /**
   * Immediate cancellation (SPEC §2.3, D11): `cancelled`, cancelled_at = now, subscription.cancelled;
   * no refund, no further period charges, a scheduled plan change is dropped. A usage-based subscription's
   * usage of [previous_billing_date, now) is billed first, in the same transaction (final-usage.ts):
   * Apr 1 subscribe, 2,500 calls (1,000 free at "2"), cancel Apr 20 → payment of 3000, then
   * subscription.cancelled; a declined final charge still cancels. Cancelled, expired or failed
   * subscriptions cannot be cancelled again (INVALID_REQUEST_PARAMETERS).
   */
  async cancel(subscriptionId: string): Promise<Subscription> {
    return this.scope.transaction(async (tx) => {
      const sub = await storedOrNotFound(tx, subscriptionId);
      if (sub.status === 'cancelled' || sub.status === 'expired' || sub.status === 'failed') {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `subscription ${subscriptionId} is already ${sub.status}`,
          'nothing to cancel; create_subscription starts a new one',
        );
      }
      const now = tx.clock.now();
      await chargeFinalUsage(tx, sub, now);
      await updateSubscription(tx.db, subscriptionId, {
        status: 'cancelled',
        cancelled_at: now,
        cancel_at_next_billing_date: false,
        updated_at: now,
      });
      await cancelPendingScheduledChanges(tx.db, subscriptionId, now);
      return emitSubscriptionEvent(tx, 'subscription.cancelled', subscriptionId);
    });
  }

  /**
   * Swaps the saved method (SPEC §2.3 "Leaving on_hold", seed 004). The method must be the customer's.
   * Active: only the method changes (subscription.updated). On hold: the outstanding amount is charged to
   * the new method; success → active, payment.succeeded then subscription.active (recovery.ts); a
   * decline keeps it on_hold. Other statuses: INVALID_REQUEST_PARAMETERS.
   */
  async updatePaymentMethod(subscriptionId: string, input: { payment_method_id: string }): Promise<PaymentMethodUpdate> {
    return this.scope.transaction(async (tx) => {
      const sub = await storedOrNotFound(tx, subscriptionId);
      const method = await tx.customers.getPaymentMethod(sub.customer_id, input.payment_method_id);
      if (sub.status !== 'active' && sub.status !== 'on_hold') {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `subscription ${subscriptionId} is ${sub.status}; only active and on_hold subscriptions take a new payment method`,
          'create_subscription starts a new subscription with this method',
        );
      }
      const now = tx.clock.now();
      await updateSubscription(tx.db, subscriptionId, { payment_method_id: method.payment_method_id, updated_at: now });
      if (sub.status === 'active') {
        return { subscription: await emitSubscriptionEvent(tx, 'subscription.updated', subscriptionId), payment: null };
      }
      const payment = await recoverFromHold(tx, { ...sub, payment_method_id: method.payment_method_id });
      return { subscription: await tx.subscriptions.get(subscriptionId), payment };
    });
  }

  /**
   * POST /subscriptions/{id}/charge (SPEC §2.6). Checks in order: exists (NOT_FOUND); on-demand
   * (SUBSCRIPTION_NOT_ON_DEMAND); not expired (SUBSCRIPTION_EXPIRED); active (SUBSCRIPTION_INACTIVE);
   * no scheduled cancellation (CHARGE_NOT_ALLOWED_FOR_SCHEDULED_CANCELLATION); the previous payment
   * finished (PREVIOUS_PAYMENT_PENDING); product_price whole minor units ≥ 50 (D13,
   * TOTAL_PAYMENT_AMOUNT_BELOW_MINIMUM_AMOUNT); product_currency, when given, the subscription's
   * (UNSUPPORTED_CURRENCY). One line of product_price; subscription and wallet credit apply (D4) and tax
   * is added at the business rate. A decline is a failed payment; the status stays (PROPOSED, AMBIG-15).
   */
  async charge(subscriptionId: string, input: OnDemandCharge): Promise<Payment> {
    const metadata = input.metadata === undefined ? undefined : checkMetadata(input.metadata);
    if (input.product_description !== undefined) checkText('product_description', input.product_description, { min: 1, max: MAX_DESCRIPTION_LENGTH });
    return this.scope.transaction(async (tx) => {
      const sub = await storedOrNotFound(tx, subscriptionId);
      if (!sub.on_demand) {
        throw new BillingError(
          'SUBSCRIPTION_NOT_ON_DEMAND',
          `subscription ${subscriptionId} is not on-demand; it renews on its own schedule`,
          'create an on-demand subscription (create_subscription with on_demand) to charge custom amounts',
        );
      }
      if (sub.status === 'expired') {
        throw new BillingError('SUBSCRIPTION_EXPIRED', `subscription ${subscriptionId} expired`, 'create a new on-demand subscription');
      }
      if (sub.status !== 'active') {
        throw new BillingError(
          'SUBSCRIPTION_INACTIVE',
          `subscription ${subscriptionId} is ${sub.status}, not active`,
          sub.status === 'on_hold' ? 'update_subscription_payment_method recovers it first' : 'create a new on-demand subscription',
        );
      }
      if (sub.cancel_at_next_billing_date) {
        throw new BillingError(
          'CHARGE_NOT_ALLOWED_FOR_SCHEDULED_CANCELLATION',
          `subscription ${subscriptionId} is scheduled to cancel at its next billing date`,
          'withdraw it with update_subscription cancel_at_next_billing_date: false, then charge',
        );
      }
      const previous = await latestPaymentStatus(tx.db, subscriptionId);
      if (previous === 'processing') {
        throw new BillingError(
          'PREVIOUS_PAYMENT_PENDING',
          `the previous payment of subscription ${subscriptionId} is still processing`,
          'wait until it succeeds or fails',
        );
      }
      if (!Number.isSafeInteger(input.product_price) || input.product_price < 1) {
        throw new BillingError(
          'INVALID_REQUEST_BODY',
          `product_price must be whole minor units > 0 (2500 = $25.00), got ${input.product_price}`,
          'send an integer amount in cents',
        );
      }
      assertChargeableTotal(input.product_price, sub.currency);
      if (input.product_currency !== undefined && assertCurrency(input.product_currency) !== sub.currency) {
        throw new BillingError(
          'UNSUPPORTED_CURRENCY',
          `subscription ${subscriptionId} is billed in ${sub.currency}; product_currency ${input.product_currency.toUpperCase()} differs`,
          `leave product_currency out, or send ${sub.currency}`,
        );
      }
      const [productLine] = await periodLinesOf(tx, sub);
      if (!productLine) throw new Error('a subscription has a product line');
      return chargeSubscription(tx, {
        subscription: sub,
        lines: [{ ...productLine, name: input.product_description ?? productLine.name, quantity: 1, unit_price: input.product_price }],
        reason: 'on_demand',
        applyCredits: true,
        period: null,
        metadata,
      });
    });
  }

  /**
   * Starts the subscription a checkout sold, in the checkout's transaction (the scope it is called on), so
   * the subscription, its first payment and the session's completion commit together (see
   * checkout/subscription-starter.ts).
   */
  async startFromCheckout(start: SubscriptionCheckout): Promise<SubscriptionStart> {
    return this.scope.transaction(async (tx) => {
      const started = await startSubscription(tx, {
        customer: start.customer,
        payment_method: start.payment_method,
        product: start.product,
        quantity: start.quantity,
        addons: start.addons,
        discount: start.discount,
        trial_period_days: checkTrialDays(start.trial_period_days),
        on_demand: null,
        billing: start.billing,
        metadata: start.metadata,
        collection_id: start.session.product_collection_id,
        checkout_session_id: start.session.session_id,
      });
      if (!started.payment) throw new Error('a checkout subscription always has a first payment');
      return { subscription_id: started.subscription_id, payment: started.payment };
    });
  }

  /** The subscription's customer as the API shows it; in a due-work batch, the one the charge already read. */
  private async customerOf(sub: Pick<StoredSubscription, 'customer_id'>): Promise<SubscriptionCustomer> {
    const customer = await this.scope.customers.find(sub.customer_id);
    if (!customer) throw new Error(`customer ${sub.customer_id} of a subscription is missing`);
    return { customer_id: customer.customer_id, email: customer.email, name: customer.name };
  }
}

/** The SubscriptionStarter of the subscription engine: checkout's default (ScopeDeps.subscriptionStarter). */
export const subscriptionEngineStarter: SubscriptionStarter = {
  startFromCheckout: (tx, start) => tx.subscriptions.startFromCheckout(start),
};

async function storedOrNotFound(tx: Scope, subscriptionId: string): Promise<StoredSubscription> {
  const sub = await tx.subscriptions.findStored(subscriptionId);
  if (!sub) throw notFound('subscription', subscriptionId, 'list_subscriptions');
  return sub;
}

/** D13 on the first period's price after the code, before credits: 49 is refused, 0 and 50 pass. */
async function assertMinimum(
  tx: Scope,
  productId: string,
  checked: CartLine,
  discount: Discount | null,
  onDemandPrice: number | undefined,
): Promise<void> {
  const { default_tax_rate_bps } = await tx.settings.get();
  const lines = await periodLinesOf(tx, {
    product_id: productId,
    quantity: checked.quantity,
    unit_price: unitPriceOf(checked.product),
    addons: checked.addons.map(({ addon, quantity }) => ({ addon_id: addon.addon_id, quantity, unit_price: addon.price })),
    tax_inclusive: checked.product.price.tax_inclusive ?? false,
  });
  const priced =
    onDemandPrice === undefined
      ? priceCart({ lines, tax_rate_bps: default_tax_rate_bps, code: discount })
      : priceCart({
          lines: lines.slice(0, 1).map((l) => ({ ...l, quantity: 1, unit_price: onDemandPrice })),
          tax_rate_bps: default_tax_rate_bps,
          code: null,
        });
  assertChargeableTotal(priced.total_amount, checked.product.price.currency);
}

function assertActive(sub: StoredSubscription, action: string): void {
  if (sub.status !== 'active') {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `cannot ${action}: subscription ${sub.subscription_id} is ${sub.status}, not active`,
      sub.status === 'on_hold' ? 'update_subscription_payment_method recovers it first' : 'only active subscriptions have a next billing date',
    );
  }
}
