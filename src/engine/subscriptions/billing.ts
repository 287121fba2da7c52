import type { Discount } from '../discounts/types.js';
import { isSupportedCurrency } from '../money.js';
import type { ChargeLine } from '../payments/charge.js';
import type { InvoicePeriod } from '../payments/invoice-types.js';
import type { Payment } from '../payments/types.js';
import { reduceCharge } from '../pricing/charge-reductions.js';
import type { PricingLine } from '../pricing/types.js';
import type { Scope } from '../scope.js';
import type { Metadata } from '../shared/metadata.js';
import { findStoredSubscription, updateSubscription } from './repo.js';
import type { StoredSubscription, SubscriptionAddon } from './types.js';

/**
 * Why a subscription is charged. The code discount applies to `first`, `renewal` and `plan_change`
 * charges while discount_cycles_remaining is null or > 0; only `first` and `renewal` pay a period, so
 * only they use up a cycle (SPEC §2.8). `final_usage` bills the meter lines of the period an ending
 * (cancellation, term end) closes: the code applies to them as to a renewal's meter lines, but no period
 * starts, so no cycle is used (a 20 % code with 2 cycles left takes 600 off a 3000 final usage charge and
 * still has 2 left). `recovery` charges what is outstanding as it was priced, and `on_demand` charges take
 * no code (DISCOUNT_NOT_AVAILABLE_FOR_ON_DEMAND).
 */
export type SubscriptionChargeReason = 'first' | 'renewal' | 'plan_change' | 'final_usage' | 'on_demand' | 'recovery';

/** A line before codes, credits and tax; plan-change lines billed for part of a period say so. */
export interface SubscriptionChargeLine extends PricingLine {
  is_prorated?: boolean | undefined;
  /** Decimal string, e.g. "0.666667". */
  proration_factor?: string | null | undefined;
}

export interface SubscriptionCharge {
  /** The subscription to charge; its latest stored state is read inside `tx`, unless given as `current`. */
  subscription: { subscription_id: string };
  /**
   * The subscription as the caller read it inside `tx` and has not changed since (the due-work runner's
   * renewal): charged as it is, without reading it again.
   */
  current?: StoredSubscription | undefined;
  lines: readonly SubscriptionChargeLine[];
  reason: SubscriptionChargeReason;
  /** Use the subscription credit, then the same-currency wallet (SPEC D4, §2.5). */
  applyCredits: boolean;
  /** The period the charge pays for, shown on the invoice; null for plan-change and on-demand charges. */
  period: InvoicePeriod | null;
  /** Another of the customer's methods than the subscription's (a payment-method update). */
  payment_method_id?: string | undefined;
  /** The payment's metadata; default the subscription's. */
  metadata?: Metadata | undefined;
  /** See ChargeOrder.beforeOutcomeEvent: the caller's change and events before payment.succeeded|failed. */
  beforeOutcomeEvent?: ((payment: Payment) => Promise<void>) | undefined;
}

const CODE_REASONS: ReadonlySet<SubscriptionChargeReason> = new Set(['first', 'renewal', 'plan_change', 'final_usage']);
const PERIOD_REASONS: ReadonlySet<SubscriptionChargeReason> = new Set(['first', 'renewal']);

/**
 * Charges a subscription inside the caller's transaction (`tx`), reducing the lines in the order of SPEC D4:
 *   1. the code discount (percentage or flat, eligible lines only) while discount_cycles_remaining is null or > 0;
 *   2. the subscription's credit_balance;
 *   3. the customer's same-currency wallet (one `payment` ledger entry naming the payment, SPEC §2.5);
 *   4. tax at the business rate on what remains, per line (inclusive prices have it taken out).
 * Example: 3000 with a 20 % code, credit 500, wallet 1000, tax 1000 bps → 2400 → 1900 → 900 → 990 charged.
 * Credit 6000 in the wallet vs a 2000 charge → 2000 used, 4000 left, a succeeded $0 payment.
 * Credits are spread over the lines in order and shown in each line's discount_amount, so lines still sum
 * to the total. On success the credit is used and a period charge with the code spends one cycle; on
 * failure the wallet credit is given back (payment_reversal) and nothing else moves. The subscription's
 * status is the caller's: this only charges. A $0 total still makes a succeeded $0 payment.
 */
export async function chargeSubscription(tx: Scope, charge: SubscriptionCharge): Promise<Payment> {
  return (await chargeSubscriptionWithTotals(tx, charge)).payment;
}

export interface SubscriptionChargeOutcome {
  payment: Payment;
  /**
   * The charge after the code and tax but before any credit: what is owed when the payment fails, since a
   * failed charge uses no credit (3000 with 500 subscription credit declined → 3000 outstanding, credit kept).
   */
  owed_before_credits: number;
}

/** chargeSubscription, also saying what the charge came to before credits (the on_hold outstanding amount). */
export async function chargeSubscriptionWithTotals(tx: Scope, charge: SubscriptionCharge): Promise<SubscriptionChargeOutcome> {
  if (!tx.db.isTransaction) throw new Error('chargeSubscription must run inside the transaction that records the charge');
  const sub = charge.current ?? (await findStoredSubscription(tx.db, tx.businessId, charge.subscription.subscription_id));
  if (!sub) throw new Error(`subscription ${charge.subscription.subscription_id} vanished inside its own transaction`);
  const customer = await tx.customers.get(sub.customer_id);
  const methodId = charge.payment_method_id ?? sub.payment_method_id;
  if (methodId === null) throw new Error(`subscription ${sub.subscription_id} has no payment method to charge`);
  const method = await tx.customers.paymentMethodOf(customer.customer_id, methodId);
  const { default_tax_rate_bps } = await tx.settings.get();

  const code = await activeCode(tx, sub, charge.reason);
  const wallet = charge.applyCredits && isSupportedCurrency(sub.currency) ? await tx.wallets.find(sub.customer_id, sub.currency) : undefined;
  const reduction = { lines: charge.lines, code, tax_rate_bps: default_tax_rate_bps };
  const credits = { credit_balance: charge.applyCredits ? sub.credit_balance : 0, wallet_balance: wallet?.balance ?? 0 };
  const reduced = reduceCharge({ ...reduction, ...credits });
  const noCredit = credits.credit_balance === 0 && credits.wallet_balance === 0;
  const owed_before_credits = noCredit ? reduced.total_amount : reduceCharge({ ...reduction, credit_balance: 0, wallet_balance: 0 }).total_amount;
  const payment_id = tx.ids.next('payment');
  const subscriptionCredit = reduced.subscription_credit_used;
  const walletCredit = await tx.wallets.applyCredit(sub.customer_id, sub.currency, reduced.wallet_credit_used, payment_id);
  const lines: ChargeLine[] = reduced.lines.map((line, index) => {
    const source = charge.lines[index] as SubscriptionChargeLine;
    return { ...line, is_prorated: source.is_prorated ?? false, proration_factor: source.proration_factor ?? null };
  });

  const payment = await tx.payments.charge({
    payment_id,
    customer,
    payment_method: method,
    brand_id: sub.brand_id,
    currency: sub.currency,
    lines,
    tax_rate_bps: default_tax_rate_bps,
    billing: sub.billing,
    metadata: charge.metadata ?? sub.metadata,
    discount_id: code ? sub.discount_id : null,
    subscription_id: sub.subscription_id,
    // The first payment of a subscription bought through checkout belongs to that session, as a one-time one does.
    checkout_session_id: charge.reason === 'first' ? sub.checkout_session_id : null,
    period: charge.period,
    beforeOutcomeEvent: charge.beforeOutcomeEvent,
  });

  if (payment.status !== 'succeeded') {
    await tx.wallets.reverseCredit(sub.customer_id, sub.currency, walletCredit, payment_id);
    return { payment, owed_before_credits };
  }
  // A $0 trial payment pays no period (gross 0), so it spends no cycle; a 100 % code on a real period does.
  const paysPeriod = PERIOD_REASONS.has(charge.reason) && reduced.lines.some((l) => l.gross_amount > 0);
  if (subscriptionCredit === 0 && (code === null || !paysPeriod)) return { payment, owed_before_credits };
  // Re-read: a beforeOutcomeEvent hook may have changed the subscription meanwhile.
  const latest = (await findStoredSubscription(tx.db, tx.businessId, sub.subscription_id)) ?? sub;
  const cycles = latest.discount_cycles_remaining;
  const spendsCycle = code !== null && paysPeriod && cycles !== null;
  if (subscriptionCredit > 0 || spendsCycle) {
    await updateSubscription(tx.db, sub.subscription_id, {
      credit_balance: latest.credit_balance - subscriptionCredit,
      ...(spendsCycle && cycles !== null ? { discount_cycles_remaining: Math.max(0, cycles - 1) } : {}),
      updated_at: tx.clock.now(),
    });
  }
  return { payment, owed_before_credits };
}

/** The subscription's code when this charge may use it: a code reason, and cycles left (null = forever). */
async function activeCode(tx: Scope, sub: StoredSubscription, reason: SubscriptionChargeReason): Promise<Discount | null> {
  if (sub.discount_id === null || !CODE_REASONS.has(reason)) return null;
  if (sub.discount_cycles_remaining !== null && sub.discount_cycles_remaining <= 0) return null;
  // A code deleted after purchase keeps reducing the subscriptions that already hold it.
  return tx.discounts.get(sub.discount_id, { include_deleted: true });
}

/**
 * The lines of one full period of `plan` (a subscription, or the plan it is moving to): the product ×
 * quantity at the frozen unit price, then each addon × quantity, named from the catalogue.
 * Example: Basic 3000 × 1 + Seat 500 × 2 → lines of 3000 and 1000.
 */
export async function periodLinesOf(
  scope: Scope,
  plan: { product_id: string; quantity: number; unit_price: number; addons: readonly SubscriptionAddon[]; tax_inclusive: boolean },
): Promise<SubscriptionChargeLine[]> {
  const product = await scope.products.find(plan.product_id);
  if (!product) throw new Error(`product ${plan.product_id} of a subscription is missing`);
  const addons = new Map((await scope.addons.findMany(plan.addons.map((a) => a.addon_id))).map((a) => [a.addon_id, a]));
  const productLine: SubscriptionChargeLine = {
    item_id: product.product_id,
    kind: 'product',
    name: product.name,
    product_id: product.product_id,
    quantity: plan.quantity,
    unit_price: plan.unit_price,
    discount_percent: 0,
    tax_inclusive: plan.tax_inclusive,
  };
  return [
    productLine,
    ...plan.addons.map((a): SubscriptionChargeLine => ({
      item_id: a.addon_id,
      kind: 'addon',
      name: addons.get(a.addon_id)?.name ?? a.addon_id,
      product_id: product.product_id,
      quantity: a.quantity,
      unit_price: a.unit_price,
      discount_percent: 0,
      tax_inclusive: plan.tax_inclusive,
    })),
  ];
}
