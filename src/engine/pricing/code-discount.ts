import type { Discount } from '../discounts/types.js';
import { basisPointsOf } from '../money.js';

/**
 * The cart products a code applies to, distinct, in cart order: all of them when `restricted_to` is
 * empty, else those in `restricted_to`. An addon line is eligible iff its parent product is (SPEC §2.2).
 */
export function eligibleProductIds(discount: Pick<Discount, 'restricted_to'>, productIds: readonly string[]): string[] {
  const distinct = [...new Set(productIds)];
  if (discount.restricted_to.length === 0) return distinct;
  return distinct.filter((id) => discount.restricted_to.includes(id));
}

/**
 * Minor units a code takes off one eligible line, given the line's net amount after the product's own
 * discount (SPEC §2.2). Percentage: round half up once, per line — 540 bps of 2999 = 161.946 → 162;
 * 10000 bps of 3333 = 3333. Flat (D9): min(amount, net) — 500 off a 300 line = 300, never below zero.
 */
export function discountAmountFor(discount: Pick<Discount, 'type' | 'amount'>, lineNetAmount: number): number {
  if (!Number.isSafeInteger(lineNetAmount) || lineNetAmount < 0) {
    throw new Error(`discountAmountFor needs a line amount in whole minor units ≥ 0, got ${lineNetAmount}`);
  }
  if (discount.type === 'percentage') return Math.min(basisPointsOf(lineNetAmount, discount.amount), lineNetAmount);
  return Math.min(discount.amount, lineNetAmount);
}
