import type { Addon } from '../addons/types.js';
import type { Customer, PaymentMethod } from '../customers/types.js';
import type { Discount } from '../discounts/types.js';
import type { BillingAddress, Payment } from '../payments/types.js';
import type { Product } from '../products/types.js';
import type { Scope } from '../scope.js';
import type { Metadata } from '../shared/metadata.js';

/** Everything a completed subscription checkout hands to the subscription engine. */
export interface SubscriptionCheckout {
  /** The collection it was bought through (it carries the plan-change policy, SPEC D7), or null. */
  session: { session_id: string; product_collection_id: string | null };
  customer: Customer;
  /** The method to charge now and at renewals; saved from the card when the buyer paid by card. */
  payment_method: PaymentMethod;
  /** A live recurring or usage-based product, checked against SPEC §2.1 rules 1–5. */
  product: Product;
  quantity: number;
  addons: Array<{ addon: Addon; quantity: number }>;
  /** Validated inside this transaction; checkout records its use once the first payment succeeds. */
  discount: Discount | null;
  /** subscription_data.trial_period_days when given, else the product's. 0 = charge the first period now. */
  trial_period_days: number;
  billing: BillingAddress | null;
  metadata: Metadata;
}

export interface SubscriptionStart {
  subscription_id: string;
  /** The first payment: the first period's charge, or the $0 trial payment (SPEC §2.1 completion). */
  payment: Payment;
}

/**
 * The seam between checkout and the subscription engine (ScopeDeps.subscriptionStarter). Checkout validates
 * the session, resolves the customer and payment method, then calls `startFromCheckout` with the scope of
 * its own transaction (`tx`), so the subscription, its first payment, their events and the session's
 * completion commit together. The starter creates the subscription, charges through `tx.payments.charge`
 * and emits the subscription events; it does not record the discount's use (checkout does, on success).
 */
export interface SubscriptionStarter {
  startFromCheckout(tx: Scope, start: SubscriptionCheckout): Promise<SubscriptionStart>;
}
