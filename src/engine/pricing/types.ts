import type { Discount } from '../discounts/types.js';

/** 'meter': a usage line of a usage-based subscription, billed in arrears (quantity 1 at its amount). */
export type LineKind = 'product' | 'addon' | 'meter';

/** One line to price: a product × quantity, or an addon × quantity on a subscription line. */
export interface PricingLine {
  /** What the line bills: a product id, or an addon id. */
  item_id: string;
  kind: LineKind;
  name: string;
  /** The product the line belongs to: its own id, or an addon's parent product (code eligibility follows it). */
  product_id: string;
  quantity: number;
  /** Minor units per unit: the price, or the amount a pay-what-you-want buyer chose. */
  unit_price: number;
  /** The product's own discount, a whole percent 0–100 (0 for addons). */
  discount_percent: number;
  /** True when unit_price already includes tax. */
  tax_inclusive: boolean;
  /**
   * What a plan-change line bills instead of unit × qty: its share of a period, round(unit × qty ×
   * factor) (SPEC §2.4, D2). Negative for the unused part of the old plan, whose unit_price is negative too:
   * "Unused time on Basic" 1 × −1000 × 0.677419 = −677. Absent for every other line.
   */
  prorated_gross?: number | undefined;
}

/** The code discount fields pricing reads: how much, and which products it is restricted to. */
export type CodeDiscount = Pick<Discount, 'type' | 'amount' | 'restricted_to'>;

export interface PricingInput {
  lines: readonly PricingLine[];
  /** Basis points: 1800 = 18 %. */
  tax_rate_bps: number;
  code: CodeDiscount | null;
}

/** A priced line; every amount is rounded once, half up, to minor units. */
export interface PricedLine extends PricingLine {
  /** unit_price × quantity, or the line's prorated_gross. */
  gross_amount: number;
  /** round(gross × discount_percent / 100). */
  product_discount: number;
  /** The code's share, on eligible lines only. */
  code_discount: number;
  /** product_discount + code_discount. */
  discount_amount: number;
  /** Before tax (exclusive), or with the tax taken out (inclusive). */
  amount: number;
  tax: number;
  /** amount + tax: what the buyer pays for the line. */
  total: number;
}

/** Totals are the sums of the rounded lines, so invoice lines always add up to the total. */
export interface PricedCart {
  lines: PricedLine[];
  /** Σ amount. */
  subtotal: number;
  /** Σ discount_amount. */
  discount_amount: number;
  /** Σ tax. */
  tax: number;
  /** Σ total = subtotal + tax. */
  total_amount: number;
}
