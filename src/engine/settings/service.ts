import type { EngineContext } from '../context.js';
import { inTransaction } from '../db/transaction.js';
import { BillingError } from '../errors.js';
import { getSettings, updateSettings } from './repo.js';
import type { BusinessSettings, BusinessSettingsUpdate } from './types.js';

/** 10000 basis points = 100 %. */
export const MAX_TAX_RATE_BPS = 10_000;

export class SettingsService {
  constructor(private readonly ctx: EngineContext) {}

  get(): Promise<BusinessSettings> {
    return getSettings(this.ctx.db, this.ctx.businessId);
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
    return inTransaction(this.ctx.db, async (trx) => {
      await updateSettings(trx, this.ctx.businessId, update, this.ctx.clock.now());
      return getSettings(trx, this.ctx.businessId);
    });
  }
}
