import type { Customer, PaymentMethod } from '../customers/types.js';
import type { Discount } from '../discounts/types.js';
import { BillingError } from '../errors.js';
import type { Payment } from '../payments/types.js';
import { priceCart } from '../pricing/price-lines.js';
import { pricingLinesOf } from '../rules/cart-pricing.js';
import { type CheckedCart, checkCart } from '../rules/cart.js';
import { normalizeEmail, normalizeName, normalizePhone } from '../rules/customer-details.js';
import { assertChargeableTotal } from '../rules/minimum-charge.js';
import type { Scope } from '../scope.js';
import { inputLineOf, storedLineOf } from './cart-lines.js';
import { selectFromCollection } from './collection-rules.js';
import { updateSession } from './repo.js';
import { redirectUrlOf } from './request-rules.js';
import type { CheckoutCompletion, CompletionOptions, PayWith, StoredCartLine, StoredSession } from './types.js';

/**
 * Pays an open, unexpired session inside the caller's transaction (`tx`, SPEC §2.1 completion): applies the
 * buyer's last choices (collection product, pay-what-you-want amounts), checks the cart and the discount
 * code again at today's catalogue, creates or matches the customer, saves the card, and charges.
 * One-time carts: one payment with a line per product (and invoice and the code's use on success).
 * Subscription carts: handed to the SubscriptionStarter (`tx.deps.subscriptionStarter`). Success completes
 * the session; a failed payment leaves it open for another try, with the attempt on record.
 */
export async function paySession(tx: Scope, session: StoredSession, payWith: PayWith, options: CompletionOptions): Promise<CheckoutCompletion> {
  const lines = await chosenLines(tx, session, options);
  const facts = await tx.products.cartFacts(lines.map(inputLineOf));
  const cart = checkCart(lines.map(inputLineOf), facts, { amount_required: true, on_demand: false });
  const customer = await resolveCustomer(tx, session, options.customer);
  const method = await paymentMethodOf(tx, customer, payWith);
  const code = session.request.discount_code;
  const productIds = cart.lines.map((l) => l.product.product_id);
  const discount = code === null ? null : await tx.discounts.validate(code, { product_ids: productIds });
  const { default_tax_rate_bps } = await tx.settings.get();
  const priced = priceCart({ lines: pricingLinesOf(cart.lines), tax_rate_bps: default_tax_rate_bps, code: discount });
  assertChargeableTotal(priced.total_amount, cart.currency);

  const { payment, subscription_id } = cart.subscription
    ? await startSubscription(tx, session, cart, customer, method, discount)
    : {
        subscription_id: null,
        payment: await tx.payments.charge({
          customer,
          payment_method: method,
          brand_id: cart.brand_id,
          currency: cart.currency,
          lines: priced.lines,
          tax_rate_bps: default_tax_rate_bps,
          billing: session.request.billing_address,
          metadata: session.request.metadata,
          discount_id: discount?.discount_id ?? null,
          checkout_session_id: session.session_id,
        }),
      };
  const succeeded = payment.status === 'succeeded';
  if (succeeded && discount) await tx.discounts.recordUse(discount.discount_id);
  const status = succeeded ? 'completed' : 'open';
  await updateSession(tx.db, session.session_id, {
    status,
    request: { ...session.request, product_cart: cart.lines.map(storedLineOf) },
    selected_product_id: session.product_collection_id === null ? session.selected_product_id : (productIds[0] ?? null),
    customer_id: customer.customer_id,
    payment_id: payment.payment_id,
    subscription_id,
    updated_at: tx.clock.now(),
  });
  return {
    session_id: session.session_id,
    status,
    payment,
    subscription_id,
    redirect_url: redirectUrlOf(
      session.request.return_url,
      subscription_id === null ? { payment_id: payment.payment_id, status: payment.status } : { subscription_id, status: payment.status },
    ),
  };
}

/** The lines to buy: the stored cart, switched to another collection product and with chosen amounts. */
async function chosenLines(tx: Scope, session: StoredSession, options: CompletionOptions): Promise<StoredCartLine[]> {
  let lines = session.request.product_cart;
  if (options.product_id !== undefined && options.product_id !== lines[0]?.product_id) {
    if (session.product_collection_id === null) {
      throw new BillingError(
        'INVALID_REQUEST_PARAMETERS',
        `product_id switches the product of a collection checkout; session ${session.session_id} is not one`,
        'create a new checkout session for another product',
      );
    }
    const collection = await tx.collections.get(session.product_collection_id);
    const offered = await tx.collections.checkoutProducts(collection.collection_id);
    const selected = selectFromCollection(collection, offered, [{ product_id: options.product_id, quantity: 1 }]);
    lines = [{ product_id: selected.product_id, quantity: 1, amount: null, addons: [] }];
  }
  for (const { product_id, amount } of options.amounts ?? []) {
    if (!lines.some((l) => l.product_id === product_id)) {
      throw new BillingError(
        'INVALID_REQUEST_PARAMETERS',
        `amounts names product ${product_id}, which is not in this checkout's cart`,
        'get_checkout_session shows the cart',
      );
    }
    lines = lines.map((l) => (l.product_id === product_id ? { ...l, amount } : l));
  }
  return lines;
}

/**
 * The session's customer; else one made from the session's details and the buyer's (email and name
 * required), matched by email to an existing customer unless feature_flags.always_create_new_customer.
 * Details sent for a session that already has its customer are not used.
 */
async function resolveCustomer(tx: Scope, session: StoredSession, given: CompletionOptions['customer']): Promise<Customer> {
  if (session.customer_id !== null) return tx.customers.get(session.customer_id);
  const pending = session.request.customer;
  const email = given?.email ?? pending?.email ?? null;
  const name = given?.name ?? pending?.name ?? null;
  if (email === null || name === null) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `checkout session ${session.session_id} has no customer yet, and ${email === null ? 'email' : 'name'} is missing`,
      'send customer: {email, name} with the payment',
    );
  }
  const details = {
    email: normalizeEmail(email),
    name: normalizeName(name),
    phone_number: normalizePhone(given?.phone_number ?? pending?.phone_number ?? null),
  };
  if (!session.request.feature_flags.always_create_new_customer) {
    const existing = await tx.customers.findByEmail(details.email);
    if (existing) return existing;
  }
  return tx.customers.create(details);
}

async function paymentMethodOf(tx: Scope, customer: Customer, payWith: PayWith): Promise<PaymentMethod> {
  if ('card' in payWith) return tx.customers.createPaymentMethod(customer.customer_id, payWith.card);
  return tx.customers.getPaymentMethod(customer.customer_id, payWith.payment_method_id);
}

async function startSubscription(
  tx: Scope,
  session: StoredSession,
  cart: CheckedCart,
  customer: Customer,
  method: PaymentMethod,
  discount: Discount | null,
): Promise<{ payment: Payment; subscription_id: string }> {
  const starter = tx.deps.subscriptionStarter;
  if (!starter) {
    throw new BillingError(
      'UNSUPPORTED_ACTION',
      'subscription checkouts need the subscription engine, which this server does not have yet',
      'buy one-time products meanwhile; subscription checkouts complete once the subscription engine is installed',
    );
  }
  const line = cart.lines[0];
  if (!line || line.product.price.type === 'one_time_price') throw new Error('a subscription cart holds exactly one recurring line');
  const override = session.request.trial_period_days;
  return starter.startFromCheckout(tx, {
    session: { session_id: session.session_id, product_collection_id: session.product_collection_id },
    customer,
    payment_method: method,
    product: line.product,
    quantity: line.quantity,
    addons: line.addons,
    discount,
    trial_period_days: override ?? line.product.price.trial_period_days,
    billing: session.request.billing_address,
    metadata: session.request.metadata,
  });
}
