import { BillingError } from '../errors.js';
import type { Scope } from '../scope.js';
import { getSettings, updateSettings } from './repo.js';
import { EFFECTIVE_AT, ON_PAYMENT_FAILURE, PRORATION_BILLING_MODES } from '../rules/plan-change-modes.js';
import type { BusinessSettings, BusinessSettingsUpdate, PlanChangeDefaults } from './types.js';

/** The values each plan-change default accepts (SPEC D18; the modes of §2.4). */
const ALLOWED: Record<keyof PlanChangeDefaults, readonly string[]> = {
  proration_billing_mode_on_upgrade: PRORATION_BILLING_MODES,
  proration_billing_mode_on_downgrade: PRORATION_BILLING_MODES,
  effective_at_on_upgrade: EFFECTIVE_AT,
  effective_at_on_downgrade: EFFECTIVE_AT,
  on_payment_failure: ON_PAYMENT_FAILURE,
};

/** 10000 basis points = 100 %. */
export const MAX_TAX_RATE_BPS = 10_000;

export class SettingsService {
  constructor(private readonly scope: Scope) {}

  /** Read once per due-work batch (db/read-cache.ts), like the catalogue rows a renewal reads. */
  get(): Promise<BusinessSettings> {
    return getSettings(this.scope.db, this.scope.businessId);
  }

  async update(update: BusinessSettingsUpdate): Promise<BusinessSettings> {
    const rate = update.default_tax_rate_bps;
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 0 || rate > MAX_TAX_RATE_BPS)) {
      throw new BillingError(
        'INVALID_REQUEST_PARAMETERS',
        `default_tax_rate_bps must be an integer from 0 to ${MAX_TAX_RATE_BPS} (basis points: 1800 = 18 %), got ${rate}`,
        'send the rate in basis points',
      );
    }
    for (const [field, allowed] of Object.entries(ALLOWED)) {
      const value: unknown = update[field as keyof PlanChangeDefaults];
      if (value !== undefined && !(typeof value === 'string' && allowed.includes(value))) {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
          `send one of ${allowed.join(', ')}`,
        );
      }
    }
    return this.scope.transaction(async (tx) => {
      await updateSettings(tx.db, tx.businessId, update, tx.clock.now());
      return tx.settings.get();
    });
  }
}
