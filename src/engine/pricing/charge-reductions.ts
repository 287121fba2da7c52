import { priceCart } from './price-lines.js';
import { splitTax } from './tax.js';
import type { CodeDiscount, PricedLine, PricingLine } from './types.js';

export interface ChargeReductionInput {
  lines: readonly PricingLine[];
  /** The subscription's code when this charge may use it, else null. */
  code: CodeDiscount | null;
  /** Subscription credit available, minor units. */
  credit_balance: number;
  /** Same-currency wallet balance available, minor units. */
  wallet_balance: number;
  tax_rate_bps: number;
}

/** A priced line after every reduction: discount_amount = code discount + credit (+ product discount). */
export interface ReducedLine extends PricedLine {
  /** Subscription and wallet credit taken off this line. */
  credit: number;
}

export interface ReducedCharge {
  lines: ReducedLine[];
  code_discount: number;
  subscription_credit_used: number;
  wallet_credit_used: number;
  subtotal: number;
  tax: number;
  total_amount: number;
}

/**
 * The one implementation of SPEC D4 for subscription charges, used by chargeSubscription and by plan-change
 * previews, so a preview states exactly what the charge will be. The order:
 * the code on eligible lines, then subscription credit, then wallet credit (both spread over the billed
 * lines in order, up to the net due), then tax per line on what remains, a credited line's tax negative. Pure, so a preview can state the charge exactly:
 * 3333 with credit 500 and wallet 1000, tax 0 → 1833 charged, 1500 of credits used.
 */
export function reduceCharge(input: ChargeReductionInput): ReducedCharge {
  const reduced = priceCart({ lines: input.lines, tax_rate_bps: 0, code: input.code }).lines;
  const due = reduced.reduce((sum, l) => sum + l.total, 0);
  const subscription_credit_used = Math.min(input.credit_balance, due);
  const wallet_credit_used = Math.min(input.wallet_balance, due - subscription_credit_used);
  let credit = subscription_credit_used + wallet_credit_used;
  const lines = reduced.map((line): ReducedLine => {
    // Credits pay for billed lines only; a credited line (negative) is already netted in `due`.
    const used = Math.max(0, Math.min(credit, line.total));
    credit -= used;
    const { net, tax } = splitTax(line.total - used, input.tax_rate_bps, line.tax_inclusive);
    return {
      ...line,
      credit: used,
      discount_amount: line.discount_amount + used,
      amount: net,
      tax,
      total: net + tax,
    };
  });
  const sum = (pick: (l: ReducedLine) => number) => lines.reduce((total, l) => total + pick(l), 0);
  return {
    lines,
    code_discount: sum((l) => l.code_discount),
    subscription_credit_used,
    wallet_credit_used,
    subtotal: sum((l) => l.amount),
    tax: sum((l) => l.tax),
    total_amount: sum((l) => l.total),
  };
}
