import type { Metadata } from '../shared/metadata.js';
import type { CardBrand, TestFailureCode } from './test-cards.js';

/** A buyer. Never deleted (SPEC §1.6); one per email unless a checkout asks for a new one. */
export interface Customer {
  customer_id: string;
  business_id: string;
  /** Lower case, as stored and matched. */
  email: string;
  name: string;
  phone_number: string | null;
  metadata: Metadata;
  created_at: string;
  updated_at: string;
}

export interface NewCustomer {
  email: string;
  name: string;
  phone_number?: string | null | undefined;
  metadata?: Metadata | undefined;
}

/** PATCH semantics: omitted fields stay, phone_number null clears, metadata replaces the whole map. */
export interface CustomerChanges {
  name?: string | undefined;
  email?: string | undefined;
  phone_number?: string | null | undefined;
  metadata?: Metadata | undefined;
}

export interface CustomerFilter {
  /** Exact match after lower-casing: "Ann@Example.com" finds ann@example.com. */
  email?: string | undefined;
}

/** A card as a checkout collects it; only brand, last four, expiry and country are kept. */
export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc?: string | undefined;
}

export interface PaymentMethodCard {
  brand: CardBrand;
  last4: string;
  exp_month: number;
  exp_year: number;
  /** ISO-2 issuing country. */
  country: string;
}

/** A saved card (SPEC §1.6). Saved by checkout; it keeps its test card's behaviour for later renewals. */
export interface PaymentMethod {
  payment_method_id: string;
  customer_id: string;
  type: 'card';
  card: PaymentMethodCard;
  /** Test mode: null means charges succeed; otherwise every charge fails with this code (SPEC §5). */
  test_failure_code: TestFailureCode | null;
  created_at: string;
}
