import type { Db } from '../db/database.js';
import { BillingError } from '../errors.js';
import { parseDecimal } from '../money.js';
import type { ProductMeter, ProductMeterInput } from '../products/types.js';
import { findMeters } from './repo.js';

/** At most 10 meters per usage-based product (developer-resources/usage-based-billing-guide). */
export const MAX_METERS_PER_PRODUCT = 10;

/**
 * The meters of a usage-based price, checked: at most 10; each id once (DUPLICATE_METER_IDS_IN_REQUEST);
 * every id exists (MISSING_METER_IDS) and is not archived (METER_IS_DELETED); price_per_unit a decimal
 * string of minor units > 0 ("2" = 2¢ per unit, "0.5" = half a cent); free_threshold whole units ≥ 0.
 */
export async function checkProductMeters(db: Db, businessId: string, inputs: readonly ProductMeterInput[]): Promise<ProductMeter[]> {
  if (inputs.length > MAX_METERS_PER_PRODUCT) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `a usage-based product has at most ${MAX_METERS_PER_PRODUCT} meters, got ${inputs.length}`,
      'split the meters over several products',
    );
  }
  const ids = inputs.map((m) => m.meter_id);
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length > 0) {
    throw new BillingError('DUPLICATE_METER_IDS_IN_REQUEST', `meter ${[...new Set(repeated)].join(', ')} is listed twice`, 'list each meter once');
  }
  const found = new Map((await findMeters(db, businessId, ids)).map((m) => [m.meter_id, m]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw new BillingError('MISSING_METER_IDS', `no meter ${missing.join(', ')}`, 'list_meters shows the existing ids');
  const archived = ids.filter((id) => found.get(id)?.archived);
  if (archived.length > 0) {
    throw new BillingError('METER_IS_DELETED', `meter ${archived.join(', ')} is archived`, 'unarchive_meter it first, or pick another meter');
  }
  return inputs.map((input, i) => {
    const price = parseDecimal(input.price_per_unit);
    if (!price || price.digits <= 0n || input.price_per_unit.includes('e') || input.price_per_unit.includes('E')) {
      throw new BillingError(
        'INVALID_REQUEST_PARAMETERS',
        `meters[${i}].price_per_unit must be a decimal string of minor units greater than 0, got "${input.price_per_unit}"`,
        'send e.g. "2" for 2¢ per unit or "0.5" for half a cent',
      );
    }
    const free = input.free_threshold ?? 0;
    if (!Number.isSafeInteger(free) || free < 0) {
      throw new BillingError('INVALID_REQUEST_PARAMETERS', `meters[${i}].free_threshold must be whole units ≥ 0, got ${free}`, 'send e.g. 1000');
    }
    return { meter_id: input.meter_id, price_per_unit: input.price_per_unit, free_threshold: free, description: input.description ?? null };
  });
}
