import { BillingError, notFound } from '../errors.js';
import type { ProductMeter, ProductMeterInput } from '../products/types.js';
import { checkFilter } from '../rules/meter-matching.js';
import type { Scope } from '../scope.js';
import { toFlag } from '../shared/flags.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { checkProductMeters } from './product-meters.js';
import { countMeters, findMeter, findMeters, insertMeter, listMeters, setMeterArchived } from './repo.js';
import { AGGREGATION_TYPES, type Meter, type MeterListFilter, type NewMeter } from './types.js';

/** At most 50 meters per account (SPEC §1.14), archived ones included. */
export const MAX_METERS = 50;

export class MeterService {
  constructor(private readonly scope: Scope) {}

  async get(meterId: string): Promise<Meter> {
    const meter = await findMeter(this.scope.db, this.scope.businessId, meterId);
    if (!meter) throw notFound('meter', meterId, 'list_meters');
    return meter;
  }

  /** The meters of these ids, in no particular order; ids that do not exist are simply absent. */
  findMany(meterIds: readonly string[]): Promise<Meter[]> {
    return findMeters(this.scope.db, this.scope.businessId, meterIds);
  }

  /** The meters a usage-based price lists, checked against the account's meters (see product-meters.ts). */
  checkProductMeters(inputs: readonly ProductMeterInput[]): Promise<ProductMeter[]> {
    return checkProductMeters(this.scope.db, this.scope.businessId, inputs);
  }

  async list(filter: MeterListFilter = {}, page?: PageRequest): Promise<Page<Meter>> {
    const window = pageWindow(page);
    return toPage(window, await listMeters(this.scope.db, this.scope.businessId, filter, window));
  }

  /**
   * A meter counts events named `event_name` (exact, case-sensitive) that pass `filter`, aggregated by
   * count, or by sum|max|last|unique_count over the metadata key `aggregation.key` (required then).
   */
  async create(input: NewMeter): Promise<Meter> {
    checkText('name', input.name, { min: 1, max: 100 });
    checkText('event_name', input.event_name, { min: 1, max: 100 });
    checkText('measurement_unit', input.measurement_unit, { min: 1, max: 100 });
    if (input.description) checkText('description', input.description, { max: 1000 });
    const type = input.aggregation.type;
    if (!(AGGREGATION_TYPES as readonly string[]).includes(type)) {
      throw new BillingError('INVALID_REQUEST_BODY', `aggregation.type ${type} is unknown`, `use one of ${AGGREGATION_TYPES.join(', ')}`);
    }
    const key = input.aggregation.key ?? null;
    if (type !== 'count' && (key === null || key.length === 0)) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        `aggregation ${type} needs aggregation.key, the metadata property it aggregates`,
        'send e.g. {type: "sum", key: "tokens"}, or use count',
      );
    }
    const filter = input.filter ?? null;
    if (filter !== null) checkFilter(filter);
    return this.scope.transaction(async (tx) => {
      if ((await countMeters(tx.db, tx.businessId)) >= MAX_METERS) {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `the account already has ${MAX_METERS} meters, the most allowed`,
          'reuse an existing meter (list_meters)',
        );
      }
      const now = tx.clock.now();
      const meter_id = tx.ids.next('meter');
      await insertMeter(tx.db, {
        meter_id,
        business_id: tx.businessId,
        name: input.name,
        description: input.description ?? null,
        event_name: input.event_name,
        measurement_unit: input.measurement_unit,
        aggregation_type: type,
        aggregation_key: type === 'count' ? null : key,
        filter: filter === null ? null : JSON.stringify(filter),
        archived: 0,
        created_at: now,
        updated_at: now,
      });
      return tx.meters.get(meter_id);
    });
  }

  /** Archived meters cannot be added to products (METER_IS_DELETED); products that have one keep billing it. */
  archive(meterId: string): Promise<Meter> {
    return this.setArchived(meterId, true);
  }

  unarchive(meterId: string): Promise<Meter> {
    return this.setArchived(meterId, false);
  }

  private setArchived(meterId: string, archived: boolean): Promise<Meter> {
    return this.scope.transaction(async (tx) => {
      await tx.meters.get(meterId);
      await setMeterArchived(tx.db, meterId, toFlag(archived), tx.clock.now());
      return tx.meters.get(meterId);
    });
  }
}
