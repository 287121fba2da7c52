import type { CardInput } from '../customers/types.js';
import type { Currency } from '../money.js';
import type { BillingAddress, BillingAddressInput, Payment, PaymentStatus } from '../payments/types.js';
import type { LineKind } from '../pricing/types.js';
import type { Metadata } from '../shared/metadata.js';
import type { CartLineInput } from '../rules/cart.js';
import type { AddressField, CustomerField } from './page-types.js';

/** PROPOSED (SPEC §1.8): open until paid (completed) or past expires_at (expired). */
export const CHECKOUT_STATUSES = ['open', 'completed', 'expired'] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

/** An existing customer by id, or details for one matched by email or created at payment. */
export interface CheckoutCustomerInput {
  customer_id?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  phone_number?: string | null | undefined;
}

export interface FeatureFlags {
  allow_currency_selection: boolean;
  allow_discount_code: boolean;
  allow_phone_number_collection: boolean;
  allow_tax_id: boolean;
  always_create_new_customer: boolean;
  redirect_immediately: boolean;
}

export interface Customization {
  theme: 'light' | 'dark' | 'system';
  show_order_details: boolean;
  show_on_demand_tag: boolean;
}

/** POST /checkouts as the engine takes it (SPEC §1.8). */
export interface NewCheckoutSession {
  /** Optional only with product_collection_id (SPEC D8). */
  product_cart?: CartLineInput[] | undefined;
  product_collection_id?: string | undefined;
  customer?: CheckoutCustomerInput | undefined;
  billing_address?: BillingAddressInput | undefined;
  /** With confirm=true, only zipcode and country are required. */
  minimal_address?: boolean | undefined;
  show_saved_payment_methods?: boolean | undefined;
  return_url?: string | undefined;
  /** Default false. True: every detail is final, the session lives 15 minutes instead of 24 hours. */
  confirm?: boolean | undefined;
  discount_code?: string | undefined;
  metadata?: Metadata | undefined;
  customization?: Partial<Customization> | undefined;
  feature_flags?: Partial<FeatureFlags> | undefined;
  subscription_data?: { trial_period_days?: number | undefined } | undefined;
  /** A saved method of customer.customer_id: charged at once (needs confirm=true); checkout_url is null. */
  payment_method_id?: string | undefined;
  /** The buyer's VAT/GST/tax id, printed on the invoice; checked for shape (INVALID_TAX_ID). */
  tax_id?: string | undefined;
}

export interface CheckoutSessionCreated {
  session_id: string;
  /** Where the buyer pays; null when payment_method_id was charged at once. */
  checkout_url: string | null;
  /** Set when payment_method_id was charged at once. */
  payment_id: string | null;
  payment_status: PaymentStatus | null;
  subscription_id: string | null;
}

/** A cart line as stored on the session. */
export interface StoredCartLine {
  product_id: string;
  quantity: number;
  amount: number | null;
  addons: Array<{ addon_id: string; quantity: number }>;
}

/** Details of a customer still to be created or matched at payment. */
export interface PendingCustomer {
  email: string | null;
  name: string | null;
  phone_number: string | null;
}

/** The validated request, kept as JSON on the session row. */
export interface StoredRequest {
  /** The line(s) to buy; in collection mode the selected product's single line. */
  product_cart: StoredCartLine[];
  customer: PendingCustomer | null;
  billing_address: BillingAddress | null;
  minimal_address: boolean;
  confirm: boolean;
  return_url: string | null;
  discount_code: string | null;
  metadata: Metadata;
  feature_flags: FeatureFlags;
  customization: Customization;
  /** The override of subscription_data; null = the product's own trial. */
  trial_period_days: number | null;
  show_saved_payment_methods: boolean;
  payment_method_id: string | null;
  /** Absent on sessions stored before tax ids were taken. */
  tax_id?: string | null;
  /**
   * The customer and address fields the buyer typed on the checkout page (CheckoutService.choose), which
   * stay editable there; every other non-null field was prefilled by the merchant and is only shown.
   * Absent until the buyer enters something.
   */
  buyer_entered?: BuyerEntered | undefined;
}

export interface BuyerEntered {
  customer: CustomerField[];
  billing_address: AddressField[];
}

export interface StoredSession {
  session_id: string;
  status: CheckoutStatus;
  request: StoredRequest;
  product_collection_id: string | null;
  selected_product_id: string | null;
  customer_id: string | null;
  discount_id: string | null;
  payment_id: string | null;
  subscription_id: string | null;
  /** Epoch ms. */
  expires_at: number;
  created_at: number;
  updated_at: number;
}

export interface CheckoutSummaryLine {
  item_id: string;
  kind: LineKind;
  name: string;
  quantity: number;
  unit_price: number;
  discount_amount: number;
  amount: number;
  tax: number;
  total: number;
}

/** What the buyer would pay now, at today's prices; pay-what-you-want lines without an amount at their minimum. */
export interface CheckoutSummary {
  currency: Currency;
  lines: CheckoutSummaryLine[];
  subtotal: number;
  discount_amount: number;
  tax: number;
  total_amount: number;
}

export interface CheckoutCartItem {
  product_id: string;
  name: string;
  quantity: number;
  /** The chosen pay-what-you-want amount per unit, or null. */
  amount: number | null;
  pay_what_you_want: boolean;
  addons: Array<{ addon_id: string; quantity: number }>;
}

/** GET /checkouts/{id} (SPEC §1.8) plus the session's state, cart and selection. */
export interface CheckoutSession {
  id: string;
  status: CheckoutStatus;
  checkout_url: string | null;
  created_at: string;
  expires_at: string;
  customer_id: string | null;
  customer_email: string | null;
  customer_name: string | null;
  /** The latest payment attempt; a failed one leaves the session open. */
  payment_id: string | null;
  payment_status: PaymentStatus | null;
  subscription_id: string | null;
  product_collection_id: string | null;
  selected_product_id: string | null;
  product_cart: CheckoutCartItem[];
  is_subscription: boolean;
  /** Trial days the subscription would start with (override, else the product's); null for one-time carts. */
  trial_period_days: number | null;
  discount_id: string | null;
  discount_code: string | null;
  billing_address: BillingAddress | null;
  confirm: boolean;
  return_url: string | null;
  show_saved_payment_methods: boolean;
  tax_id: string | null;
  feature_flags: FeatureFlags;
  customization: Customization;
  metadata: Metadata;
  summary: CheckoutSummary;
}

/** How the buyer pays at completion: a card (saved as a payment method) or a method already saved. */
export type PayWith = { card: CardInput } | { payment_method_id: string };

export interface CompletionOptions {
  /** Collection checkouts: buy this product of the collection instead of the selected one. */
  product_id?: string | undefined;
  /** Needed when the session has no customer yet: email and name (phone optional). */
  customer?: { email?: string | undefined; name?: string | undefined; phone_number?: string | null | undefined } | undefined;
  /** Pay-what-you-want amounts (minor units per unit) for cart lines that have none yet. */
  amounts?: Array<{ product_id: string; amount: number }> | undefined;
}

export interface CheckoutCompletion {
  session_id: string;
  /** completed when the payment succeeded; open after a failed one, for another try. */
  status: CheckoutStatus;
  payment: Payment;
  subscription_id: string | null;
  /** return_url with ?payment_id=…&status=… (subscriptions: ?subscription_id=…&status=…), when one was given. */
  redirect_url: string | null;
}
