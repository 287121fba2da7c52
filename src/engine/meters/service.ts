import type { EngineContext } from '../context.js';
import { inTransaction } from '../db/transaction.js';
import { BillingError, notFound } from '../errors.js';
import { toFlag } from '../shared/flags.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { checkFilter } from '../rules/meter-matching.js';
import { countMeters, findMeter, insertMeter, listMeters, setMeterArchived } from './repo.js';
import { AGGREGATION_TYPES, type Meter, type MeterListFilter, type NewMeter } from './types.js';

/** At most 50 meters per account (SPEC §1.14), archived ones included. */
export const MAX_METERS = 50;

export class MeterService {
  constructor(private readonly ctx: EngineContext) {}

  async get(meterId: string): Promise<Meter> {
    const meter = await findMeter(this.ctx.db, this.ctx.businessId, meterId);
    if (!meter) throw notFound('meter', meterId, 'list_meters');
    return meter;
  }

  async list(filter: MeterListFilter = {}, page?: PageRequest): Promise<Page<Meter>> {
    const window = pageWindow(page);
    return toPage(window, await listMeters(this.ctx.db, this.ctx.businessId, filter, window));
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
    return inTransaction(this.ctx.db, async (trx) => {
      if ((await countMeters(trx, this.ctx.businessId)) >= MAX_METERS) {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `the account already has ${MAX_METERS} meters, the most allowed`,
          'reuse an existing meter (list_meters)',
        );
      }
      const now = this.ctx.clock.now();
      const meter_id = this.ctx.ids.next('meter');
      await insertMeter(trx, {
        meter_id,
        business_id: this.ctx.businessId,
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
      return new MeterService({ ...this.ctx, db: trx }).get(meter_id);
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
    return inTransaction(this.ctx.db, async (trx) => {
      const within = new MeterService({ ...this.ctx, db: trx });
      await within.get(meterId);
      await setMeterArchived(trx, meterId, toFlag(archived), this.ctx.clock.now());
      return within.get(meterId);
    });
  }
}
