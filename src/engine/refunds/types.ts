import type { Currency } from '../money.js';
import type { LineKind } from '../pricing/types.js';
import type { PaymentCustomer } from '../payments/types.js';
import type { Metadata } from '../shared/metadata.js';

/**
 * SPEC §1.10. `pending` and `review` are in flight (a new refund on the payment waits:
 * EXISTING_REFUND_REQUEST_PROCESSING); `succeeded` and `failed` are terminal. Test mode refunds succeed at once.
 */
export const REFUND_STATUSES = ['pending', 'review', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** One refunded line: the product or addon id and the minor units returned for it, tax included. */
export interface RefundItem {
  item_id: string;
  amount: number;
}

/** A refund as the API shows it (SPEC §1.10). Amounts are minor units of `currency`, tax included. */
export interface Refund {
  refund_id: string;
  payment_id: string;
  business_id: string;
  brand_id: string;
  customer: PaymentCustomer;
  /** Σ items[].amount. */
  amount: number;
  currency: Currency;
  /** True when this refund returns less than the payment's total_amount. */
  is_partial: boolean;
  reason: string | null;
  status: RefundStatus;
  items: RefundItem[];
  metadata: Metadata;
  created_at: string;
}

/** One line of a refund request (SPEC §2.9). */
export interface RefundItemRequest {
  /** The product or addon id of a payment line. */
  item_id: string;
  /** Minor units; omitted = whatever remains of the line. */
  amount?: number | undefined;
  /** True (default): `amount` includes tax. False: the line's pro-rata tax is added on top. */
  tax_inclusive?: boolean | undefined;
}

/** `POST /refunds` (SPEC §2.9). No items = refund everything that remains of the payment. */
export interface NewRefund {
  payment_id: string;
  items?: RefundItemRequest[] | undefined;
  /** At most 3000 characters. */
  reason?: string | undefined;
  metadata?: Metadata | undefined;
}

export interface RefundFilter {
  payment_id?: string | undefined;
  customer_id?: string | undefined;
  status?: RefundStatus | undefined;
  /** ISO-8601 instants, inclusive. */
  created_at_gte?: string | undefined;
  created_at_lte?: string | undefined;
}

/** One line of a refund receipt: what was paid for the line and what this refund returns of it. */
export interface RefundReceiptLine {
  item_id: string;
  kind: LineKind;
  name: string;
  quantity: number;
  /** What the buyer paid for the line, tax included. */
  paid_amount: number;
  /** The refunded part without tax. */
  amount: number;
  /** The refunded part's tax. */
  tax: number;
  /** amount + tax: what this refund returns for the line. */
  total: number;
}

/**
 * The receipt of a succeeded refund (SPEC §1.10; the docs' "Refund Receipt" sent to the customer). Built
 * from the refund and its payment, which do not change afterwards; lines always sum to the totals.
 */
export interface RefundReceipt {
  refund_id: string;
  status: 'succeeded';
  /** When the refund was made. */
  issued_at: string;
  business_id: string;
  brand: { brand_id: string; name: string; url: string | null; support_email: string | null };
  customer: PaymentCustomer;
  reason: string | null;
  /** The payment refunded and where the money goes back to (the original method). */
  payment: {
    payment_id: string;
    invoice_id: string | null;
    created_at: string;
    total_amount: number;
    payment_method: { type: string | null; card_network: string | null; card_last_four: string | null };
  };
  currency: Currency;
  lines: RefundReceiptLine[];
  /** Σ lines[].amount. */
  subtotal: number;
  /** Σ lines[].tax. */
  tax: number;
  /** subtotal + tax = the refund's amount. */
  total_amount: number;
  is_partial: boolean;
}
