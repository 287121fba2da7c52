import { basisPointsOf, mulDivHalfUp } from '../money.js';

export interface TaxSplit {
  /** The line amount without tax. */
  net: number;
  tax: number;
}

/**
 * Tax on a discounted line price at `rateBps` (SPEC §2.2), half up.
 * Exclusive: tax is added on top — 1000 at 1800 bps → net 1000, tax 180 (buyer pays 1180).
 * Inclusive: the price already holds the tax — 1180 at 1800 bps → net round(1180 / 1.18) = 1000, tax 180;
 * 999 at 1800 bps → net round(846.61) = 847, tax 152 (buyer pays 999).
 */
export function splitTax(price: number, rateBps: number, inclusive: boolean): TaxSplit {
  if (!inclusive) return { net: price, tax: basisPointsOf(price, rateBps) };
  const net = mulDivHalfUp(price, 10_000, 10_000 + rateBps);
  return { net, tax: price - net };
}
