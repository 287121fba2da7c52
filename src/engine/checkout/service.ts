import { iso } from '../clock.js';
import type { Customer } from '../customers/types.js';
import { BillingError } from '../errors.js';
import type { BillingAddress } from '../payments/types.js';
import { priceCart } from '../pricing/price-lines.js';
import { checkBillingAddress } from '../rules/billing-address.js';
import { pricingLinesOf } from '../rules/cart-pricing.js';
import { type CartLineInput, type CheckedCart, checkCart } from '../rules/cart.js';
import { assertChargeableTotal } from '../rules/minimum-charge.js';
import { checkReturnUrl } from '../rules/return-url.js';
import type { Scope } from '../scope.js';
import { checkMetadata } from '../shared/metadata.js';
import { storedLineOf } from './cart-lines.js';
import { selectFromCollection } from './collection-rules.js';
import { paySession } from './pay.js';
import { findSession, insertSession, updateSession } from './repo.js';
import { checkoutUrlOf, checkTaxId, checkTrialOverride, customizationOf, expiresAt, featureFlagsOf, pendingCustomerOf } from './request-rules.js';
import type {
  CheckoutCompletion,
  CheckoutSession,
  CheckoutSessionCreated,
  CompletionOptions,
  NewCheckoutSession,
  PayWith,
  StoredSession,
} from './types.js';
import { effectiveStatus, viewOf } from './view.js';
import { chosenChanges } from './choose.js';
import type { CheckoutChoice, CheckoutPage, CheckoutReceipt } from './page-types.js';
import { pageViewOf } from './page-view.js';
import { receiptOf } from './receipt.js';

/**
 * Checkout sessions (SPEC §1.8, §2.1): create with every rule in order, read, and pay in test mode.
 * checkout_url = `${deps.publicBaseUrl()}/checkout/${session_id}`, the address this process serves pages at now.
 */
export class CheckoutService {
  constructor(private readonly scope: Scope) {}

  async get(sessionId: string): Promise<CheckoutSession> {
    return viewOf(this.scope, await storedSession(this.scope, sessionId), this.scope.deps.publicBaseUrl());
  }

  /**
   * SPEC §2.1 rules 1–13 in order, first failure wins (see the numbered steps). With payment_method_id
   * the session is paid in the same transaction and checkout_url is null; a declined charge still
   * creates the session (open, with the failed payment on it).
   */
  async create(input: NewCheckoutSession): Promise<CheckoutSessionCreated> {
    const confirm = input.confirm ?? false;
    const return_url = checkReturnUrl(input.return_url);
    const pending = pendingCustomerOf(input.customer);
    return this.scope.transaction(async (tx) => {
      const amount_required = confirm || input.payment_method_id !== undefined;
      // Rules 1–5: the cart as sent.
      const cartInput = input.product_cart ?? [];
      if (cartInput.length === 0 && input.product_collection_id === undefined) {
        throw new BillingError('PRODUCT_CART_EMPTY', 'product_cart is empty', 'add at least one product, or give product_collection_id');
      }
      let cart = cartInput.length === 0 ? null : await checkedCart(tx, cartInput, amount_required);
      // Rule 6: collection mode (SPEC D8).
      if (input.product_collection_id !== undefined) {
        const collection = await tx.collections.get(input.product_collection_id);
        const offered = await tx.collections.checkoutProducts(collection.collection_id);
        const selected = selectFromCollection(collection, offered, cartInput);
        if (cart === null) cart = await checkedCart(tx, [selected], amount_required);
      }
      if (cart === null) throw new Error('a checkout without a cart has a collection, which selected a product');
      // Rule 7: the customer.
      const flags = featureFlagsOf(input.feature_flags);
      const customer = await customerOf(tx, input.customer?.customer_id, pending?.email ?? null, flags.always_create_new_customer);
      // Rule 8: the billing address.
      const billing_address = this.billingOf(input, confirm);
      // Rule 9: the trial override.
      const trial_period_days = checkTrialOverride(input.subscription_data?.trial_period_days);
      // Rule 10: the discount code.
      const productIds = cart.lines.map((l) => l.product.product_id);
      const discount = input.discount_code === undefined ? null : await tx.discounts.validate(input.discount_code, { product_ids: productIds });
      // Rule 11: a saved payment method.
      if (input.payment_method_id !== undefined)
        await checkSavedMethod(tx, input.payment_method_id, confirm, input.customer?.customer_id === undefined ? null : customer);
      // Rule 12: the currency minimum, once every amount is known.
      if (cart.lines.every((l) => l.amount !== null || !isPayWhatYouWant(l.product.price))) {
        const { default_tax_rate_bps } = await tx.settings.get();
        const priced = priceCart({ lines: pricingLinesOf(cart.lines), tax_rate_bps: default_tax_rate_bps, code: discount });
        assertChargeableTotal(priced.total_amount, cart.currency);
      }
      // Rule 13: metadata limits and the tax id.
      const metadata = checkMetadata(input.metadata);
      const tax_id = checkTaxId(input.tax_id);

      const now = tx.clock.now();
      const session: StoredSession = {
        session_id: tx.ids.next('checkoutSession'),
        status: 'open',
        request: {
          product_cart: cart.lines.map(storedLineOf),
          customer: customer === null ? pending : null,
          billing_address,
          minimal_address: input.minimal_address ?? false,
          confirm,
          return_url,
          discount_code: discount?.code ?? null,
          metadata,
          feature_flags: flags,
          customization: customizationOf(input.customization),
          trial_period_days,
          show_saved_payment_methods: input.show_saved_payment_methods ?? false,
          payment_method_id: input.payment_method_id ?? null,
          tax_id,
        },
        product_collection_id: input.product_collection_id ?? null,
        selected_product_id: input.product_collection_id === undefined ? null : (cart.lines[0]?.product.product_id ?? null),
        customer_id: customer?.customer_id ?? null,
        discount_id: discount?.discount_id ?? null,
        payment_id: null,
        subscription_id: null,
        expires_at: expiresAt(now, confirm),
        created_at: now,
        updated_at: now,
      };
      await insertSession(tx.db, tx.businessId, session);
      if (input.payment_method_id === undefined) {
        return {
          session_id: session.session_id,
          checkout_url: checkoutUrlOf(tx.deps.publicBaseUrl(), session.session_id),
          payment_id: null,
          payment_status: null,
          subscription_id: null,
        };
      }
      const paid = await paySession(tx, session, { payment_method_id: input.payment_method_id }, {});
      return {
        session_id: session.session_id,
        checkout_url: null,
        payment_id: paid.payment.payment_id,
        payment_status: paid.payment.status,
        subscription_id: paid.subscription_id,
      };
    });
  }

  /**
   * The test-mode way to pay (SPEC §2.1 completion): the session must be open and unexpired. An expired
   * one is marked expired (that mark commits) and refused; a paid one is CHECKOUT_SESSION_CONSUMED.
   * Returns the payment whatever its outcome: failed leaves the session open for another try.
   */
  async complete(sessionId: string, payWith: PayWith, options: CompletionOptions = {}): Promise<CheckoutCompletion> {
    return this.onOpenSession(sessionId, (tx, session) => paySession(tx, session, payWith, options));
  }

  /** The hosted page's view of a session (any status): see CheckoutPage. */
  async page(sessionId: string): Promise<CheckoutPage> {
    return pageViewOf(this.scope, await storedSession(this.scope, sessionId), this.scope.deps.publicBaseUrl());
  }

  /** A paid session's receipt: payment, invoice and license keys issued (see receiptOf). */
  async receipt(sessionId: string): Promise<CheckoutReceipt> {
    return receiptOf(this.scope, await storedSession(this.scope, sessionId), this.scope.deps.publicBaseUrl());
  }

  /**
   * The buyer's changes to an open, unexpired session (the hosted page's forms), checked with create's
   * rules (SPEC §2.1) in one transaction: all apply or none; a bad discount code is a BillingError and
   * nothing changes. See chosenChanges for each part. Returns the page view after the change.
   * Expired → INVALID_REQUEST_PARAMETERS (and marked expired); paid → CHECKOUT_SESSION_CONSUMED.
   */
  async choose(sessionId: string, choice: CheckoutChoice): Promise<CheckoutPage> {
    await this.onOpenSession(sessionId, async (tx, session) => {
      await updateSession(tx.db, sessionId, await chosenChanges(tx, session, choice));
    });
    return this.page(sessionId);
  }

  /**
   * Runs `work` on the session inside one transaction when it is open and unexpired. A paid session is
   * CHECKOUT_SESSION_CONSUMED; an expired one is marked expired (that mark commits) and refused.
   */
  private async onOpenSession<T>(sessionId: string, work: (tx: Scope, session: StoredSession) => Promise<T>): Promise<T> {
    const outcome = await this.scope.transaction(async (tx) => {
      const session = await storedSession(tx, sessionId);
      if (session.status === 'completed') {
        throw new BillingError(
          'CHECKOUT_SESSION_CONSUMED',
          `Checkout session has already been consumed: ${sessionId} was paid by ${session.payment_id ?? 'an earlier payment'}`,
          'create a new checkout session for another purchase',
        );
      }
      if (effectiveStatus(session, tx.clock.now()) === 'expired') {
        if (session.status === 'open') await updateSession(tx.db, sessionId, { status: 'expired', updated_at: tx.clock.now() });
        return { kind: 'expired', expires_at: session.expires_at } as const;
      }
      return { kind: 'done', result: await work(tx, session) } as const;
    });
    if (outcome.kind === 'expired') {
      throw new BillingError(
        'INVALID_REQUEST_PARAMETERS',
        `checkout session ${sessionId} expired at ${iso(outcome.expires_at)}`,
        'create a new checkout session',
      );
    }
    return outcome.result;
  }

  /**
   * Rule 8: country (ISO-2) whenever an address is sent; with confirm=true every field, or zipcode and
   * country with minimal_address. confirm=true without an address is allowed only with payment_method_id
   * (the one-click flow of seed 003 sends none: the saved method's customer is known).
   */
  private billingOf(input: NewCheckoutSession, confirm: boolean): BillingAddress | null {
    if (input.billing_address === undefined) {
      if (confirm && input.payment_method_id === undefined) {
        throw new BillingError(
          'INVALID_REQUEST_BODY',
          'with confirm=true billing_address is required (every field, or zipcode and country with minimal_address)',
          'send billing_address, or leave confirm false to collect it on the checkout page',
        );
      }
      return null;
    }
    return checkBillingAddress(input.billing_address, !confirm ? 'country' : input.minimal_address ? 'minimal' : 'full');
  }
}

function isPayWhatYouWant(price: CheckedCart['lines'][number]['product']['price']): boolean {
  return price.type === 'one_time_price' && price.pay_what_you_want;
}

async function storedSession(scope: Scope, sessionId: string): Promise<StoredSession> {
  const session = await findSession(scope.db, scope.businessId, sessionId);
  if (!session)
    throw new BillingError(
      'NOT_FOUND',
      `no checkout session ${sessionId}`,
      'use the session_id that create_checkout_session returned, or create a new session',
    );
  return session;
}

async function checkedCart(tx: Scope, lines: readonly CartLineInput[], amount_required: boolean): Promise<CheckedCart> {
  return checkCart(lines, await tx.products.cartFacts(lines), { amount_required, on_demand: false });
}

/**
 * Rule 7: `{customer_id}` must exist (NOT_FOUND); an email is matched to the oldest customer with it
 * unless always_create_new_customer; otherwise the customer is created at payment (null here).
 */
async function customerOf(tx: Scope, customerId: string | undefined, email: string | null, alwaysCreateNew: boolean): Promise<Customer | null> {
  if (customerId !== undefined) return tx.customers.get(customerId);
  if (email === null || alwaysCreateNew) return null;
  return (await tx.customers.findByEmail(email)) ?? null;
}

/** Rule 11: payment_method_id needs confirm=true and customer.customer_id, whose method it must be. */
async function checkSavedMethod(tx: Scope, paymentMethodId: string, confirm: boolean, customer: Customer | null): Promise<void> {
  if (!confirm) {
    throw new BillingError('INVALID_REQUEST_PARAMETERS', 'payment_method_id charges at once, so it requires confirm: true', 'send confirm: true');
  }
  if (customer === null) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      'payment_method_id requires customer.customer_id, the existing customer who owns the method',
      'send customer: {customer_id}',
    );
  }
  await tx.customers.getPaymentMethod(customer.customer_id, paymentMethodId);
}
