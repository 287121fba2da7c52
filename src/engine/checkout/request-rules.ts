import { normalizeEmail, normalizeName, normalizePhone } from '../rules/customer-details.js';
import { BillingError } from '../errors.js';
import type { CardInput } from '../customers/types.js';
import type { CheckoutCustomerInput, PayWith, Customization, FeatureFlags, NewCheckoutSession, PendingCustomer } from './types.js';

/** A session lives 24 hours, or 15 minutes when created with confirm=true (checkout-session docs). */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
export const CONFIRMED_SESSION_TTL_MS = 15 * 60 * 1000;

/** SPEC §2.1 rule 9: a trial override is 0–10000 days. */
export const MAX_TRIAL_DAYS = 10_000;

/** Defaults of the docs (AMBIG-12 sides with them over the SDK for currency selection and tax id). */
const DEFAULT_FLAGS: FeatureFlags = {
  allow_currency_selection: false,
  allow_discount_code: true,
  allow_phone_number_collection: true,
  allow_tax_id: false,
  always_create_new_customer: false,
  redirect_immediately: false,
};

const DEFAULT_CUSTOMIZATION: Customization = { theme: 'system', show_order_details: true, show_on_demand_tag: true };

export function featureFlagsOf(input: NewCheckoutSession['feature_flags']): FeatureFlags {
  return { ...DEFAULT_FLAGS, ...definedOnly(input ?? {}) };
}

export function customizationOf(input: NewCheckoutSession['customization']): Customization {
  return { ...DEFAULT_CUSTOMIZATION, ...definedOnly(input ?? {}) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function expiresAt(createdAt: number, confirm: boolean): number {
  return createdAt + (confirm ? CONFIRMED_SESSION_TTL_MS : SESSION_TTL_MS);
}

/** SPEC §2.1 rule 9: null when not given; 0–10000 whole days otherwise (INVALID_REQUEST_PARAMETERS). */
export function checkTrialOverride(days: number | undefined): number | null {
  if (days === undefined) return null;
  if (!Number.isInteger(days) || days < 0 || days > MAX_TRIAL_DAYS) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `subscription_data.trial_period_days must be a whole number from 0 to ${MAX_TRIAL_DAYS}, got ${days}`,
      'send e.g. 14, or 0 for no trial',
    );
  }
  return days;
}

/**
 * The customer is either `{customer_id}` or details (`email`, `name`, `phone_number`), never both; the
 * details are normalised now so a bad email fails at creation rather than at payment.
 */
export function pendingCustomerOf(input: CheckoutCustomerInput | undefined): PendingCustomer | null {
  if (!input || input.customer_id !== undefined) {
    if (input && (input.email !== undefined || input.name !== undefined || input.phone_number !== undefined)) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        'customer takes either customer_id (an existing customer) or email/name/phone_number (a new one), not both',
        'send only customer_id, or only the details',
      );
    }
    return null;
  }
  return {
    email: input.email === undefined ? null : normalizeEmail(input.email),
    name: input.name === undefined ? null : normalizeName(input.name),
    phone_number: normalizePhone(input.phone_number ?? null),
  };
}

/** `${base}/checkout/cks_…`: the hosted page on this server's HTTP address. */
export function checkoutUrlOf(publicBaseUrl: string, sessionId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/checkout/${sessionId}`;
}

/**
 * SPEC §2.1 rule 14: the return_url with ?payment_id=…&status=… for one-time carts, or
 * ?subscription_id=…&status=… for subscriptions. A redirect is not proof of payment.
 */
export function redirectUrlOf(returnUrl: string | null, params: Record<string, string>): string | null {
  if (returnUrl === null) return null;
  const url = new URL(returnUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** Exactly one way to pay: a card, or a saved payment method (INVALID_REQUEST_BODY otherwise). */
export function payWithOf(input: { card?: CardInput | undefined; payment_method_id?: string | undefined }): PayWith {
  if (input.card !== undefined && input.payment_method_id === undefined) return { card: input.card };
  if (input.payment_method_id !== undefined && input.card === undefined) return { payment_method_id: input.payment_method_id };
  throw new BillingError(
    'INVALID_REQUEST_BODY',
    input.card === undefined ? 'give card or payment_method_id to pay with' : 'give card or payment_method_id, not both',
    'send card {number, exp_month, exp_year, cvc} (test card 4242424242424242), or a saved payment_method_id',
  );
}

// 4–20 letters and digits with at least one digit once spaces, dots and dashes are dropped: "DE 123.456.789"
// (EU VAT), "27AAPFU0939F1ZV" (India GSTIN), "12-3456789" (US EIN). Anything else → INVALID_TAX_ID.
const TAX_ID_SHAPE = /^(?=.*\d)[A-Z0-9]{4,20}$/;

/** SPEC §2.1 rule 13: a tax id is checked for shape and stored normalised (upper case, no separators). */
export function checkTaxId(taxId: string | undefined): string | null {
  if (taxId === undefined) return null;
  const normalised = taxId.toUpperCase().replace(/[\s.-]/g, '');
  if (!TAX_ID_SHAPE.test(normalised)) {
    throw new BillingError('INVALID_TAX_ID', `Tax Id is invalid: "${taxId}"`, 'send the id as issued, e.g. DE123456789, or leave tax_id out');
  }
  return normalised;
}
