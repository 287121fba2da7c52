import type { CheckoutProduct } from '../collections/types.js';
import type { PaymentMethod } from '../customers/types.js';
import type { LicenseKey } from '../licenses/types.js';
import type { Currency } from '../money.js';
import type { Interval } from '../products/types.js';
import type { Invoice } from '../payments/invoice-types.js';
import type { BillingAddressInput, Payment } from '../payments/types.js';
import type { CheckoutSession } from './types.js';

/** The customer details a checkout page may ask for. */
export const CUSTOMER_FIELDS = ['email', 'name', 'phone_number'] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

/** The billing address fields a checkout page may ask for, in the order a form shows them. */
export const ADDRESS_FIELDS = ['country', 'state', 'city', 'street', 'zipcode'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

/**
 * The buyer's changes to an open session (CheckoutService.choose). Every part is optional; each one given
 * is checked with the rules of SPEC §2.1 that create applies to the same field.
 */
export interface CheckoutChoice {
  /** Collection checkouts: buy this offered product instead (quantity 1, no addons). Rule 6. */
  product_id?: string | undefined;
  /** New quantities of cart lines, by product. Rule 1. */
  quantities?: ReadonlyArray<{ product_id: string; quantity: number }> | undefined;
  /** The subscription line's addons by id; quantity 0 removes one. Rule 4. */
  addons?: ReadonlyArray<{ addon_id: string; quantity: number }> | undefined;
  /** Pay-what-you-want amounts per unit, minor units, by product. Rule 5. */
  amounts?: ReadonlyArray<{ product_id: string; amount: number }> | undefined;
  /** A code to apply (checked now against the cart, SPEC §2.8), or null to remove the applied one. Rule 10. */
  discount_code?: string | null | undefined;
  /** The buyer's details when the session has no customer yet. Rule 7. */
  customer?: { email?: string | undefined; name?: string | undefined; phone_number?: string | null | undefined } | undefined;
  /** The address fields the page asked for; prefilled ones may be repeated unchanged. Rule 8. */
  billing_address?: Partial<BillingAddressInput> | undefined;
}

/** An addon the chosen subscription product offers, with what the buyer has chosen (0 = not chosen). */
export interface OfferedAddon {
  addon_id: string;
  name: string;
  description: string | null;
  /** Minor units per unit per billing cycle. */
  price: number;
  currency: Currency;
  quantity: number;
}

/** A collection's group as the page lists it, products in display order. */
export interface OfferedGroup {
  group_id: string;
  group_name: string | null;
  products: CheckoutProduct[];
}

/** What the buyer may change on the page (see `editableOf` for the rule). */
export interface EditableParts {
  product: boolean;
  quantities: boolean;
  addons: boolean;
  amounts: boolean;
  discount_code: boolean;
}

/** Customer credit the first charge will use (SPEC §2.5: subscription payments only, never one-time carts). */
export interface CheckoutCredit {
  /** The customer's wallet balance in the cart's currency. */
  wallet_balance: number;
  /** The part of it this purchase uses. */
  applied: number;
  /** What the card is charged after the credit (tax on the remainder). */
  total_after_credit: number;
}

/** Everything a hosted checkout page shows of an open (or ended) session, and nothing of anyone else's. */
export interface CheckoutPage {
  session: CheckoutSession;
  /** The seller as the buyer knows them: the cart's brand. */
  brand: { brand_id: string; name: string };
  /** Collection checkouts: the collection's name and its offered products by group (first = pre-selected). */
  collection: { collection_id: string; name: string; groups: OfferedGroup[] } | null;
  /** The addons of the subscription line's product; empty for one-time carts. */
  addons: OfferedAddon[];
  editable: EditableParts;
  /** Fields the page must still ask for; prefilled ones are shown from `session`, not asked again. */
  needs: { customer: CustomerField[]; billing_address: AddressField[] };
  /** The known customer's saved methods, when the session was created with show_saved_payment_methods. */
  saved_payment_methods: PaymentMethod[];
  /** Wallet credit the first charge of a subscription will use; null when none applies. */
  credit: CheckoutCredit | null;
  /** A subscription's billing period ("every 1 Month"); null for one-time carts. */
  billing_period: { count: number; interval: Interval } | null;
  /** What paying charges now: 0 for a subscription with a trial ($0 payment), after credit, else summary.total_amount. */
  due_now: number;
}

/** A completed session as a receipt: what was bought, the payment, its invoice and the license keys issued. */
export interface CheckoutReceipt {
  session: CheckoutSession;
  brand: { brand_id: string; name: string };
  payment: Payment;
  invoice: Invoice | null;
  license_keys: LicenseKey[];
}
