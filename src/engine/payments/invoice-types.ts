import type { Currency } from '../money.js';
import type { BillingAddress, PaymentCustomer, PaymentLineItem } from './types.js';

/** A payment line as the invoice prints it: the billed fields plus the line total. */
export type InvoiceLine = Pick<
  PaymentLineItem,
  'item_id' | 'kind' | 'name' | 'quantity' | 'unit_price' | 'gross_amount' | 'discount_amount' | 'amount' | 'tax'
> & {
  /** amount + tax. */
  total: number;
};

/** A subscription invoice's billing period (SPEC §1.12); null on one-time invoices. */
export interface InvoicePeriod {
  start: string;
  end: string;
}

/**
 * The invoice of one succeeded payment (SPEC §1.12), stored as JSON and rendered on demand. Numbers are
 * sequential per business from 1 and never reused. Lines always sum to the totals.
 */
export interface Invoice {
  invoice_id: string;
  /** 1, 2, 3 … per business. */
  number: number;
  payment_id: string;
  status: 'paid';
  issued_at: string;
  currency: Currency;
  business_id: string;
  brand: { brand_id: string; name: string; url: string | null; support_email: string | null };
  customer: PaymentCustomer;
  billing: BillingAddress | null;
  payment_method: { type: string | null; card_network: string | null; card_last_four: string | null };
  lines: InvoiceLine[];
  subtotal: number;
  discount_amount: number;
  /** Basis points applied to every line: 1800 = 18 %. */
  tax_rate_bps: number;
  tax: number;
  total_amount: number;
  subscription_id: string | null;
  period: InvoicePeriod | null;
}
