import { loadCartFacts } from '../checkout/cart-facts.js';
import { type CartLine, checkCart } from '../rules/cart.js';
import type { SubscriptionCheckout, SubscriptionStart, SubscriptionStarter } from '../checkout/subscription-starter.js';
import type { EngineContext } from '../context.js';
import { CustomerService } from '../customers/service.js';
import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { DiscountService } from '../discounts/service.js';
import type { Discount } from '../discounts/types.js';
import { BillingError, notFound } from '../errors.js';
import { assertCurrency } from '../money.js';
import { checkBillingAddress } from '../rules/billing-address.js';
import type { PaymentProcessor } from '../payments/processor.js';
import { assertChargeableTotal } from '../rules/minimum-charge.js';
import type { Payment } from '../payments/types.js';
import { priceCart } from '../pricing/price-lines.js';
import { getSettings } from '../settings/repo.js';
import { checkMetadata } from '../shared/metadata.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { chargeSubscription, periodLinesOf } from './billing.js';
import { inTrial, unitPriceOf } from '../rules/subscription-plan.js';
import { emitSubscriptionEvent } from './events.js';
import { chargeFinalUsage, type FinalPeriodUsage } from './final-usage.js';
import { recoverFromHold } from './recovery.js';
import {
  cancelPendingScheduledChanges,
  findStoredSubscription,
  findSubscription,
  latestPaymentStatus,
  listSubscriptions,
  updateSubscription,
} from './repo.js';
import { checkTrialDays, futureInstant, termEnd } from './rules.js';
import { startSubscription } from './start.js';
import {
  SUBSCRIPTION_STATUSES,
  type NewSubscription,
  type OnDemandCharge,
  type StoredSubscription,
  type Subscription,
  type SubscriptionChanges,
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
  constructor(
    private readonly ctx: EngineContext,
    private readonly processor: PaymentProcessor,
    /** Bills the usage an immediate cancellation closes (usage/billing.ts); without it none is billed. */
    private readonly finalPeriodUsage?: FinalPeriodUsage,
  ) {}

  /** The same service inside `trx`. */
  within(trx: Db): SubscriptionService {
    return new SubscriptionService({ ...this.ctx, db: trx }, this.processor, this.finalPeriodUsage);
  }

  async get(subscriptionId: string): Promise<Subscription> {
    const found = await findSubscription(this.ctx.db, this.ctx.businessId, subscriptionId);
    if (!found) throw notFound('subscription', subscriptionId, 'list_subscriptions');
    return found;
  }

  /** Newest first; filters combine with AND. */
  async list(filter: SubscriptionFilter = {}, page?: PageRequest): Promise<Page<Subscription>> {
    if (filter.status !== undefined && !(SUBSCRIPTION_STATUSES as readonly string[]).includes(filter.status)) {
      throw new BillingError('INVALID_REQUEST_BODY', `status must be one of ${SUBSCRIPTION_STATUSES.join(', ')}, got ${filter.status}`, 'send e.g. active');
    }
    const window = pageWindow(page);
    return toPage(window, await listSubscriptions(this.ctx.db, this.ctx.businessId, filter, window));
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
    return inTransaction(this.ctx.db, async (trx) => {
      const ctx: EngineContext = { ...this.ctx, db: trx };
      const customers = new CustomerService(ctx);
      const customer = await customers.get(input.customer_id);
      const method = await customers.getPaymentMethod(customer.customer_id, input.payment_method_id);
      const line = { product_id: input.product_id, quantity: input.quantity, addons: input.addons ?? [] };
      const facts = await loadCartFacts(trx, this.ctx.businessId, [line]);
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
      const discounts = new DiscountService(ctx);
      const discount =
        input.discount_code === undefined
          ? null
          : await discounts.validate(input.discount_code, { product_ids: [product.product_id], on_demand: onDemand !== null });
      const trialDays = trialOverride ?? (product.price.type === 'one_time_price' ? 0 : product.price.trial_period_days);
      await this.assertMinimum(trx, product.product_id, checked, discount, onDemand?.product_price);

      const started = await startSubscription(trx, this.ctx, { processor: this.processor }, {
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
      if (discount && started.payment?.status === 'succeeded') await discounts.recordUse(discount.discount_id);
      return { subscription: await this.within(trx).get(started.subscription_id), payment: started.payment };
    });
  }

  /** D13 on the first period's price after the code, before credits: 49 is refused, 0 and 50 pass. */
  private async assertMinimum(
    trx: Db,
    productId: string,
    checked: CartLine,
    discount: Discount | null,
    onDemandPrice: number | undefined,
  ): Promise<void> {
    const { default_tax_rate_bps } = await getSettings(trx, this.ctx.businessId);
    const lines = await periodLinesOf(trx, this.ctx.businessId, {
      product_id: productId,
      quantity: checked.quantity,
      unit_price: unitPriceOf(checked.product),
      addons: checked.addons.map(({ addon, quantity }) => ({ addon_id: addon.addon_id, quantity, unit_price: addon.price })),
      tax_inclusive: checked.product.price.tax_inclusive ?? false,
    });
    const priced =
      onDemandPrice === undefined
        ? priceCart({ lines, tax_rate_bps: default_tax_rate_bps, code: discount })
        : priceCart({ lines: lines.slice(0, 1).map((l) => ({ ...l, quantity: 1, unit_price: onDemandPrice })), tax_rate_bps: default_tax_rate_bps, code: null });
    assertChargeableTotal(priced.total_amount, checked.product.price.currency);
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
    const billing =
      changes.billing === undefined ? undefined : changes.billing === null ? null : checkBillingAddress(changes.billing, 'country');
    return inTransaction(this.ctx.db, async (trx) => {
      const ctx: EngineContext = { ...this.ctx, db: trx };
      const sub = await this.stored(trx, subscriptionId);
      const now = ctx.clock.now();
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
      if (Object.keys(patch).length === 0) return this.within(trx).get(subscriptionId);
      await updateSubscription(trx, subscriptionId, { ...patch, updated_at: now });
      return emitSubscriptionEvent(trx, ctx, 'subscription.updated', subscriptionId);
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
    return inTransaction(this.ctx.db, async (trx) => {
      const ctx: EngineContext = { ...this.ctx, db: trx };
      const sub = await this.stored(trx, subscriptionId);
      if (sub.status === 'cancelled' || sub.status === 'expired' || sub.status === 'failed') {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `subscription ${subscriptionId} is already ${sub.status}`,
          'nothing to cancel; create_subscription starts a new one',
        );
      }
      const now = ctx.clock.now();
      await chargeFinalUsage(trx, ctx, { processor: this.processor, finalPeriodUsage: this.finalPeriodUsage }, sub, now);
      await updateSubscription(trx, subscriptionId, { status: 'cancelled', cancelled_at: now, cancel_at_next_billing_date: false, updated_at: now });
      await cancelPendingScheduledChanges(trx, subscriptionId, now);
      return emitSubscriptionEvent(trx, ctx, 'subscription.cancelled', subscriptionId);
    });
  }

  /**
   * Swaps the saved method (SPEC §2.3 "Leaving on_hold", seed 004). The method must be the customer's.
   * Active: only the method changes (subscription.updated). On hold: the outstanding amount is charged to
   * the new method; success → active, payment.succeeded then subscription.active (recovery.ts); a
   * decline keeps it on_hold. Other statuses: INVALID_REQUEST_PARAMETERS.
   */
  async updatePaymentMethod(subscriptionId: string, input: { payment_method_id: string }): Promise<PaymentMethodUpdate> {
    return inTransaction(this.ctx.db, async (trx) => {
      const ctx: EngineContext = { ...this.ctx, db: trx };
      const sub = await this.stored(trx, subscriptionId);
      const method = await new CustomerService(ctx).getPaymentMethod(sub.customer_id, input.payment_method_id);
      if (sub.status !== 'active' && sub.status !== 'on_hold') {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `subscription ${subscriptionId} is ${sub.status}; only active and on_hold subscriptions take a new payment method`,
          'create_subscription starts a new subscription with this method',
        );
      }
      const now = ctx.clock.now();
      await updateSubscription(trx, subscriptionId, { payment_method_id: method.payment_method_id, updated_at: now });
      if (sub.status === 'active') {
        return { subscription: await emitSubscriptionEvent(trx, ctx, 'subscription.updated', subscriptionId), payment: null };
      }
      const payment = await recoverFromHold(trx, this.ctx, { processor: this.processor }, { ...sub, payment_method_id: method.payment_method_id }, this.finalPeriodUsage);
      return { subscription: await this.within(trx).get(subscriptionId), payment };
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
    return inTransaction(this.ctx.db, async (trx) => {
      const sub = await this.stored(trx, subscriptionId);
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
      const previous = await latestPaymentStatus(trx, subscriptionId);
      if (previous === 'processing') {
        throw new BillingError('PREVIOUS_PAYMENT_PENDING', `the previous payment of subscription ${subscriptionId} is still processing`, 'wait until it succeeds or fails');
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
      const [productLine] = await periodLinesOf(trx, this.ctx.businessId, sub);
      if (!productLine) throw new Error('a subscription has a product line');
      return chargeSubscription(trx, this.ctx, { processor: this.processor }, {
        subscription: sub,
        lines: [{ ...productLine, name: input.product_description ?? productLine.name, quantity: 1, unit_price: input.product_price }],
        reason: 'on_demand',
        applyCredits: true,
        period: null,
        metadata,
      });
    });
  }

  /** The SubscriptionStarter checkout calls inside its own transaction (src/engine/checkout/subscription-starter.ts). */
  starter(): SubscriptionStarter {
    return {
      startFromCheckout: async (trx: Db, start: SubscriptionCheckout): Promise<SubscriptionStart> => {
        const started = await startSubscription(trx, this.ctx, { processor: this.processor }, {
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
      },
    };
  }

  private async stored(db: Db, subscriptionId: string): Promise<StoredSubscription> {
    const sub = await findStoredSubscription(db, this.ctx.businessId, subscriptionId);
    if (!sub) throw notFound('subscription', subscriptionId, 'list_subscriptions');
    return sub;
  }
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
