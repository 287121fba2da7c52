import type { Metadata } from '../shared/metadata.js';

/**
 * SPEC D9: `percentage` takes `amount` in basis points (540 = 5.4 %, 10000 = 100 %); `flat` takes `amount`
 * in minor units off each eligible order line (500 = $5.00), never taking a line below zero.
 */
export const DISCOUNT_TYPES = ['percentage', 'flat'] as const;
export type DiscountType = (typeof DISCOUNT_TYPES)[number];

/** A discount code, shaped as the Dodo API's Discount (SPEC §1.5). */
export interface Discount {
  discount_id: string;
  business_id: string;
  name: string | null;
  /** Always upper-case; matched case-insensitively. */
  code: string;
  type: DiscountType;
  /** Basis points for `percentage`, minor units for `flat`. */
  amount: number;
  /** Null: unlimited redemptions. */
  usage_limit: number | null;
  /** Successful purchases that used the code (renewals do not count). */
  times_used: number;
  /** Null: never expires. */
  expires_at: string | null;
  /** Product ids the code applies to; empty = any product. */
  restricted_to: string[];
  /** Recurring payments the code reduces; null = every one, forever. */
  subscription_cycles: number | null;
  /** Keep the code on a subscription across plan changes (when it applies to the new product). */
  preserve_on_plan_change: boolean;
  metadata: Metadata;
  created_at: string;
  updated_at: string;
}

/** Fields as a caller sends them. On update: omitted stays, null clears, `restricted_to` replaces the list. */
export interface DiscountInput {
  code?: string | undefined;
  name?: string | null | undefined;
  /** A string, not DiscountType: other values are refused with UNSUPPORTED_DISCOUNT_TYPE, not a type error. */
  type?: string | undefined;
  amount?: number | undefined;
  usage_limit?: number | null | undefined;
  /** ISO-8601 instant. */
  expires_at?: string | null | undefined;
  restricted_to?: string[] | undefined;
  subscription_cycles?: number | null | undefined;
  preserve_on_plan_change?: boolean | undefined;
  metadata?: Metadata | undefined;
}

export type NewDiscount = DiscountInput & { type: string; amount: number };

export interface DiscountFilter {
  /** Exact code, any case. */
  code?: string | undefined;
}

/** What a code is checked against (SPEC §2.8). */
export interface DiscountCart {
  /** Product ids of the cart lines; empty = no cart yet, so product restrictions are not checked. */
  product_ids: readonly string[];
  /** True when buying an on-demand subscription, which takes no discount code. */
  on_demand?: boolean | undefined;
}

export interface DeletedDiscount {
  discount_id: string;
  code: string;
  deleted_at: string;
}
