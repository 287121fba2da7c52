import { discountAmountFor, eligibleProductIds } from './code-discount.js';
import { percentOf } from '../money.js';
import { splitTax } from './tax.js';
import type { CodeDiscount, PricedCart, PricedLine, PricingInput, PricingLine } from './types.js';

/**
 * SPEC §2.2, per line, each step rounded half up to minor units:
 *   gross = unit × qty → minus round(gross × product discount / 100) → minus the code discount (eligible
 *   lines only; an addon line is eligible iff its parent product is) → tax at the rate.
 * Example: 2 × 2999, product 10 % off, code 540 bps, tax 1800 bps exclusive:
 *   gross 5998 → −600 = 5398 → −291 (5.4 % of 5398 = 291.49) = 5107 → tax 919 (18 % of 5107 = 919.26) → 6026.
 * Totals are sums of the rounded lines.
 */
export function priceCart(input: PricingInput): PricedCart {
  const eligible = new Set(
    input.code
      ? eligibleProductIds(
          input.code,
          input.lines.map((l) => l.product_id),
        )
      : [],
  );
  const lines = input.lines.map((line) => priceLine(line, input.tax_rate_bps, input.code && eligible.has(line.product_id) ? input.code : null));
  const sum = (pick: (l: PricedLine) => number) => lines.reduce((total, l) => total + pick(l), 0);
  return {
    lines,
    subtotal: sum((l) => l.amount),
    discount_amount: sum((l) => l.discount_amount),
    tax: sum((l) => l.tax),
    total_amount: sum((l) => l.total),
  };
}

/** One line; `code` is the code discount when the line is eligible for it, else null. */
export function priceLine(line: PricingLine, taxRateBps: number, code: CodeDiscount | null): PricedLine {
  assertLine(line, taxRateBps);
  const gross_amount = line.prorated_gross ?? line.unit_price * line.quantity;
  if (!Number.isSafeInteger(gross_amount)) throw new Error(`line ${line.item_id}: ${line.unit_price} × ${line.quantity} is too large`);
  const product_discount = percentOf(gross_amount, line.discount_percent);
  const afterProduct = gross_amount - product_discount;
  const code_discount = code ? codeDiscountOf(code, afterProduct) : 0;
  const price = afterProduct - code_discount;
  const { net, tax } = splitTax(price, taxRateBps, line.tax_inclusive);
  return {
    ...line,
    gross_amount,
    product_discount,
    code_discount,
    discount_amount: product_discount + code_discount,
    amount: net,
    tax,
    total: net + tax,
  };
}

/**
 * A code on a credited line (negative, the unused part of an old plan) takes its percentage back off the
 * credit, so a 10 % code on "Pro 2032, unused Basic −677" is 203 − 68: 10 % of the net, line by line.
 * A fixed-amount code only reduces what is billed.
 */
function codeDiscountOf(code: CodeDiscount, amount: number): number {
  if (amount >= 0) return discountAmountFor(code, amount);
  return code.type === 'percentage' ? -discountAmountFor(code, -amount) : 0;
}

function assertLine(line: PricingLine, taxRateBps: number): void {
  const wholeAtLeast = (value: number, min: number) => Number.isSafeInteger(value) && value >= min;
  const credited = line.prorated_gross !== undefined && line.prorated_gross <= 0;
  if (!wholeAtLeast(credited ? -line.unit_price : line.unit_price, 0) || !wholeAtLeast(line.quantity, 1)) {
    throw new Error(`line ${line.item_id} needs unit_price ≥ 0 (≤ 0 on a credited line) and quantity ≥ 1 in whole numbers`);
  }
  if (line.prorated_gross !== undefined && !Number.isSafeInteger(line.prorated_gross)) {
    throw new Error(`line ${line.item_id} needs a whole prorated_gross, got ${line.prorated_gross}`);
  }
  if (!wholeAtLeast(line.discount_percent, 0) || line.discount_percent > 100) {
    throw new Error(`line ${line.item_id} needs a discount percent of 0–100, got ${line.discount_percent}`);
  }
  if (!wholeAtLeast(taxRateBps, 0)) throw new Error(`the tax rate must be whole basis points ≥ 0, got ${taxRateBps}`);
}
