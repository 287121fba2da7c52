import type { Customer } from '../customers/types.js';
import type { LicenseKey, LicenseKeyInstance } from '../licenses/types.js';
import type { Payment } from '../payments/types.js';
import type { PlanChangeOption, PlanChangePreview, PlanChangeRequest } from '../plan-changes/types.js';
import type { Subscription } from '../subscriptions/types.js';
import type { CustomerWallets } from '../wallets/types.js';

/** What create_customer_portal_session returns (Dodo: `{link}`), with when the link stops working. */
export interface PortalSessionLink {
  link: string;
  expires_at: string;
}

/** A resolved portal token: whose portal it opens, and where "Back to the merchant" leads. */
export interface PortalAccess {
  customer_id: string;
  return_url: string | null;
  expires_at: string;
}

/** A subscription as the portal lists it: the subscription, its plan's name and its scheduled plan's. */
export interface PortalSubscription {
  subscription: Subscription;
  product_name: string;
  scheduled_product_name: string | null;
}

export interface PortalLicenseKey {
  license_key: LicenseKey;
  product_name: string;
  activations: LicenseKeyInstance[];
}

/** Everything the portal's pages show a customer: only that customer's records. */
export interface PortalOverview {
  customer: Customer;
  subscriptions: PortalSubscription[];
  /** Newest first. */
  payments: Payment[];
  license_keys: PortalLicenseKey[];
  wallets: CustomerWallets;
  /** The business lets customers change plans here (allow_subscription_updates). */
  plan_changes_enabled: boolean;
}

/**
 * The plans a subscription may move to in the portal (SPEC D7, D18): the list_plan_change_options of its
 * collection, each allowed or with the reason it is not. `unavailable` says why there are none at all.
 */
export interface PortalPlanOptions {
  subscription: PortalSubscription;
  options: PlanChangeOption[];
  unavailable: string | null;
}

/** A portal plan change before it is confirmed: the exact request the confirmation will send, and its preview. */
export interface PortalChangePreview {
  option: PlanChangeOption;
  request: PlanChangeRequest;
  preview: PlanChangePreview;
}
