import type { Addon } from '../addons/types.js';
import { iso } from '../clock.js';
import type { Customer, PaymentMethod } from '../customers/types.js';
import type { Discount } from '../discounts/types.js';
import { BillingError } from '../errors.js';
import type { BillingAddress, Payment } from '../payments/types.js';
import type { Product } from '../products/types.js';
import { unitPriceOf } from '../rules/subscription-plan.js';
import type { Scope } from '../scope.js';
import type { Metadata } from '../shared/metadata.js';
import { type SubscriptionChargeLine, chargeSubscription, periodLinesOf } from './billing.js';
import { emitSubscriptionEvent } from './events.js';
import { countLiveSubscriptions, insertSubscription, updateSubscription } from './repo.js';
import { periodStart, termEnd, trialEnd } from './rules.js';
import type { OnDemandInput, StoredSubscription } from './types.js';

/** Everything a new subscription needs, already checked: from create_subscription or a checkout. */
export interface SubscriptionPurchase {
  customer: Customer;
  payment_method: PaymentMethod;
  /** A live recurring or usage-based product. */
  product: Product;
  quantity: number;
  addons: ReadonlyArray<{ addon: Addon; quantity: number }>;
  discount: Discount | null;
  trial_period_days: number;
  on_demand: OnDemandInput | null;
  billing: BillingAddress | null;
  metadata: Metadata;
  collection_id: string | null;
  checkout_session_id: string | null;
}

export interface StartedSubscription {
  subscription_id: string;
  /** The first charge, the $0 trial payment, or null for an on-demand mandate without a charge. */
  payment: Payment | null;
}

/**
 * Starts a subscription inside the caller's transaction (`tx`; SPEC §2.3, §2.1 completion). It is written
 * `pending`, then:
 * - with a trial of N days: one $0 payment, `active`, next_billing_date = now + N days; the first real
 *   charge runs at the trial's end (events: subscription.active, then the $0 payment.succeeded);
 * - without: the first period is charged now (D4 reductions apply): success → `active` with
 *   subscription.active, payment.succeeded, subscription.renewed; failure → `failed` with
 *   subscription.failed, payment.failed;
 * - on-demand with mandate_only: `active` with no charge; otherwise one charge of product_price.
 * With allow_multiple_subscriptions off, a customer holding a pending, active or on-hold subscription
 * cannot start another (INVALID_REQUEST_PARAMETERS). It does not record the discount's use.
 */
export async function startSubscription(tx: Scope, purchase: SubscriptionPurchase): Promise<StartedSubscription> {
  if (!tx.db.isTransaction) throw new Error('startSubscription must run inside the transaction that records it');
  const { product, customer } = purchase;
  const price = product.price;
  if (price.type === 'one_time_price') throw new Error(`product ${product.product_id} is not a subscription product`);
  await assertMayHoldAnother(tx, customer.customer_id);

  const now = tx.clock.now();
  // On-demand subscriptions bill only when charged, so a trial means nothing for them (PROPOSED).
  const trialDays = purchase.on_demand ? 0 : purchase.trial_period_days;
  const firstPaidStart = trialDays > 0 ? trialEnd(now, trialDays) : now;
  const sub: StoredSubscription = {
    subscription_id: tx.ids.next('subscription'),
    business_id: tx.businessId,
    brand_id: product.brand_id,
    customer_id: customer.customer_id,
    product_id: product.product_id,
    quantity: purchase.quantity,
    unit_price: unitPriceOf(product),
    addons: purchase.addons.map(({ addon, quantity }) => ({ addon_id: addon.addon_id, quantity, unit_price: addon.price })),
    currency: price.currency,
    tax_inclusive: price.tax_inclusive ?? false,
    payment_frequency_count: price.payment_frequency_count,
    payment_frequency_interval: price.payment_frequency_interval,
    subscription_period_count: price.subscription_period_count,
    subscription_period_interval: price.subscription_period_interval,
    trial_period_days: trialDays,
    // A trial is period 0 ending at the anchor; without one, period 0 starts at the anchor.
    billing_anchor: firstPaidStart,
    anchor_period_index: trialDays > 0 ? 1 : 0,
    period_index: 0,
    previous_billing_date: now,
    next_billing_date: 0,
    status: 'pending',
    cancel_at_next_billing_date: false,
    cancelled_at: null,
    // The term runs from the first paid period: a 3 Month term bought Apr 1 without a trial ends Jul 1.
    expires_at: termEnd(firstPaidStart, price.subscription_period_count, price.subscription_period_interval),
    on_demand: purchase.on_demand !== null,
    discount_id: purchase.discount?.discount_id ?? null,
    discount_cycles_remaining: purchase.discount?.subscription_cycles ?? null,
    payment_method_id: purchase.payment_method.payment_method_id,
    billing: purchase.billing,
    credit_balance: 0,
    outstanding_amount: 0,
    // SPEC D7: the collection it was bought through, else the one live collection holding its product.
    collection_id: purchase.collection_id ?? (await tx.collections.soleLiveHolderOf(purchase.product.product_id)),
    checkout_session_id: purchase.checkout_session_id,
    metadata: purchase.metadata,
    created_at: now,
    updated_at: now,
  };
  sub.next_billing_date = trialDays > 0 ? firstPaidStart : periodStart(sub, 1);
  await insertSubscription(tx.db, sub);

  if (purchase.on_demand?.mandate_only) {
    // Authorising the mandate charges nothing; the test processor authorises every saved method.
    await activate(tx, sub.subscription_id);
    return { subscription_id: sub.subscription_id, payment: null };
  }

  const lines = await firstLines(tx, sub, purchase);
  const paid = trialDays === 0;
  const payment = await chargeSubscription(tx, {
    subscription: sub,
    lines,
    reason: 'first',
    applyCredits: paid,
    period: paid ? { start: iso(sub.previous_billing_date), end: iso(sub.next_billing_date) } : null,
    // SPEC §4 order: subscription.active (or .failed) before payment.succeeded (or .failed).
    beforeOutcomeEvent: async (outcome) => {
      if (outcome.status === 'succeeded') await activate(tx, sub.subscription_id);
      else {
        await updateSubscription(tx.db, sub.subscription_id, { status: 'failed', updated_at: tx.clock.now() });
        await emitSubscriptionEvent(tx, 'subscription.failed', sub.subscription_id);
      }
    },
  });
  // subscription.renewed follows every successful charge of a period, the first included (FAQ Q83);
  // a $0 trial payment pays no period, so the trial's renewal event comes at its end.
  if (payment.status === 'succeeded' && paid) await emitSubscriptionEvent(tx, 'subscription.renewed', sub.subscription_id);
  return { subscription_id: sub.subscription_id, payment };
}

async function activate(tx: Scope, subscriptionId: string): Promise<void> {
  await updateSubscription(tx.db, subscriptionId, { status: 'active', updated_at: tx.clock.now() });
  await emitSubscriptionEvent(tx, 'subscription.active', subscriptionId);
}

/**
 * The first charge's lines: a full period; a trial's lines at 0 (one $0 payment, SPEC §1.9); an
 * on-demand first charge of product_price (default: the product's price × quantity) as one line.
 */
async function firstLines(tx: Scope, sub: StoredSubscription, purchase: SubscriptionPurchase): Promise<SubscriptionChargeLine[]> {
  const lines = await periodLinesOf(tx, sub);
  if (purchase.on_demand) {
    const [productLine] = lines;
    if (!productLine) throw new Error('a subscription has a product line');
    const amount = purchase.on_demand.product_price ?? sub.unit_price * sub.quantity;
    return [{ ...productLine, quantity: 1, unit_price: amount }];
  }
  if (sub.trial_period_days > 0) return lines.map((line) => ({ ...line, unit_price: 0 }));
  return lines;
}

/** SPEC §2.3 (PROPOSED): with allow_multiple_subscriptions off, one live subscription per customer. */
async function assertMayHoldAnother(tx: Scope, customerId: string): Promise<void> {
  const { allow_multiple_subscriptions } = await tx.settings.get();
  if (allow_multiple_subscriptions) return;
  const live = await countLiveSubscriptions(tx.db, customerId);
  if (live > 0) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `customer ${customerId} already has an active subscription, and allow_multiple_subscriptions is off`,
      `cancel it first (list_subscriptions customer_id=${customerId} shows it), change its plan, or turn allow_multiple_subscriptions on with update_business_settings`,
    );
  }
}
