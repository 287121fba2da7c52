import type { PlanChangeDefaults } from '../rules/plan-change-modes.js';

export type { PlanChangeDefaults } from '../rules/plan-change-modes.js';

/** Business-wide switches (seed 000: "Business settings"). */
export interface BusinessSettings extends PlanChangeDefaults {
  business_id: string;
  /** A customer may hold several active subscriptions at once. Default: true. */
  allow_multiple_subscriptions: boolean;
  /** Customers may change plans themselves in the portal. Default: false. */
  allow_subscription_updates: boolean;
  /** Tax rate applied to every line, in basis points: 1800 = 18 %. Default: 0. */
  default_tax_rate_bps: number;
  updated_at: string;
}

export interface BusinessSettingsUpdate extends Partial<PlanChangeDefaults> {
  allow_multiple_subscriptions?: boolean | undefined;
  allow_subscription_updates?: boolean | undefined;
  default_tax_rate_bps?: number | undefined;
}
