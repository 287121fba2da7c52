import type { Currency } from '../money.js';
import type { LineKind } from '../pricing/types.js';
import type { Metadata } from '../shared/metadata.js';

/** Where the buyer is billed; `country` is ISO 3166-1 alpha-2 ("US"). */
export interface BillingAddress {
  country: string;
  street: string | null;
  city: string | null;
  state: string | null;
  zipcode: string | null;
}

/** SPEC §1.9. A payment ends succeeded or failed here (the test processor answers at once). */
export const PAYMENT_STATUSES = ['processing', 'succeeded', 'failed', 'cancelled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export type RefundStatus = 'partial' | 'full';

export interface PaymentCustomer {
  customer_id: string;
  email: string;
  name: string;
}

/** A refund as listed on its payment. */
export interface PaymentRefund {
  refund_id: string;
  amount: number;
  currency: Currency;
  status: string;
  is_partial: boolean;
  created_at: string;
}

export interface PaymentCartItem {
  product_id: string;
  quantity: number;
}

/** A payment as the API shows it (SPEC §1.9). Amounts are minor units of `currency`. */
export interface Payment {
  payment_id: string;
  business_id: string;
  brand_id: string;
  customer: PaymentCustomer;
  billing: BillingAddress | null;
  currency: Currency;
  /** Σ line amounts: after discounts, before tax (exclusive) or with tax taken out (inclusive). */
  subtotal: number;
  tax: number;
  /** What the customer is charged: subtotal + tax. */
  total_amount: number;
  status: PaymentStatus;
  /** The transaction-failure code of a failed payment (CARD_DECLINED …); null otherwise. */
  error_code: string | null;
  error_message: string | null;
  payment_method_id: string | null;
  payment_method_type: string | null;
  card_last_four: string | null;
  card_network: string | null;
  /** One-time purchases only; null for subscription payments (SPEC §1.9). */
  product_cart: PaymentCartItem[] | null;
  subscription_id: string | null;
  checkout_session_id: string | null;
  discount_id: string | null;
  invoice_id: string | null;
  refund_status: RefundStatus | null;
  /** Every refund of this payment, oldest first. */
  refunds: PaymentRefund[];
  metadata: Metadata;
  created_at: string;
  updated_at: string;
}

/** One billed line; `item_id` (product or addon id) is what refunds name. */
export interface PaymentLineItem {
  item_id: string;
  kind: LineKind;
  name: string;
  quantity: number;
  unit_price: number;
  /** unit_price × quantity. */
  gross_amount: number;
  /** Product discount + code discount. */
  discount_amount: number;
  /** After discounts, without tax. */
  amount: number;
  tax: number;
  /** A plan-change line billed for part of a period; such lines cannot be refunded (LINE_ITEM_PRORATED). */
  is_prorated: boolean;
  /** The fraction of the period billed, as a decimal string ("0.666667"); null when not prorated. */
  proration_factor: string | null;
  /** Minor units refunded so far, tax included. */
  refunded_amount: number;
}

export interface PaymentLineItems {
  payment_id: string;
  currency: Currency;
  items: PaymentLineItem[];
}

export interface PaymentFilter {
  customer_id?: string | undefined;
  status?: PaymentStatus | undefined;
  subscription_id?: string | undefined;
  brand_id?: string | undefined;
  /** ISO-8601 instants, inclusive. */
  created_at_gte?: string | undefined;
  created_at_lte?: string | undefined;
}

/** A one-time purchase charged to a saved method (seed 003 cross-sell). */
export interface NewPayment {
  customer_id: string;
  payment_method_id: string;
  product_cart: Array<{ product_id: string; quantity: number; amount?: number | undefined }>;
  discount_code?: string | undefined;
  billing?: BillingAddressInput | undefined;
  metadata?: Metadata | undefined;
}

export interface BillingAddressInput {
  country: string;
  street?: string | null | undefined;
  city?: string | null | undefined;
  state?: string | null | undefined;
  zipcode?: string | null | undefined;
}
