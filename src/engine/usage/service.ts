import { iso } from '../clock.js';
import { notFound } from '../errors.js';
import { matchesFilter } from '../rules/meter-matching.js';
import type { Scope } from '../scope.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import type { StoredSubscription } from '../subscriptions/types.js';
import { type ClosingUsage, closingPeriodUsage, currentPartUsage, finalPeriodUsage, type PartUsage, usageOfPeriod } from './billing.js';
import { findUsageLines } from './repo.js';
import { parseUsageMetadata, stampedAt, type UsageEventRow, validateBatch } from './rules.js';
import type { UsageEventStore } from './store.js';
import type { IngestResult, MeterUsage, UsageEvent, UsageEventFilter, UsageEventInput, UsageHistory, UsagePeriod } from './types.js';
import { parseInstant } from '../shared/instants.js';

const SCAN_CHUNK = 500;

function toEvent(row: UsageEventRow): UsageEvent {
  return {
    event_id: row.event_id,
    business_id: row.business_id,
    customer_id: row.customer_id,
    event_name: row.event_name,
    timestamp: iso(row.timestamp),
    metadata: parseUsageMetadata(row.metadata),
  };
}

export class UsageService {
  private readonly events: UsageEventStore;

  constructor(private readonly scope: Scope) {
    // The store the engine chose for its database when it opened (index.ts, usage/open-store.ts).
    this.events = scope.deps.usageEvents;
  }

  /**
   * Validates the whole batch (SPEC §2.7, D12), then stores it all or nothing in one transaction. An
   * event_id stored by an earlier call is skipped and not counted: re-sending a batch after a crash
   * ingests only what was lost. 3 events of which 1 was sent before → {ingested_count: 2, duplicate_count: 1}.
   */
  async ingest(events: readonly UsageEventInput[]): Promise<IngestResult> {
    // Checked before waiting for the write lock, so a bad batch never waits. An event without a timestamp
    // is stamped under the lock, with the clock as it stands while the batch is stored: an advance by
    // another process commits either wholly before (the event lands after its renewal, in the next
    // period) or after (its renewal bills the event). Stamped earlier, an event could land in a period
    // another process had billed meanwhile.
    const validatedAt = this.scope.clock.now();
    const rows = validateBatch(events, this.scope.businessId, validatedAt);
    const rowsNow = () => stampedAt(rows, events, validatedAt, this.scope.clock.now());
    // Called with the engine's database, not a transaction: the store then runs its own write transaction
    // (SQLite's fast path) and its housekeeping after the commit (SQLite merges at its threshold, which it
    // never does inside a caller's transaction).
    const { ingested, duplicates } = await this.events.ingest(this.scope, rowsNow);
    return { ingested_count: ingested, duplicate_count: duplicates };
  }

  /** Merges the staged events now rather than at the threshold; returns how many moved. */
  async mergeStaged(): Promise<number> {
    return this.events.mergeStaged(this.scope);
  }

  async getEvent(eventId: string): Promise<UsageEvent> {
    const row = await this.events.find(this.scope, eventId);
    if (!row) throw notFound('usage event', eventId, 'list_usage_events');
    return toEvent(row);
  }

  /** Newest first. With meter_id: only the events that meter counts (its event name and filter). */
  async listEvents(filter: UsageEventFilter = {}, page?: PageRequest): Promise<Page<UsageEvent>> {
    const window = pageWindow(page);
    const query = {
      customer_id: filter.customer_id,
      event_name: filter.event_name,
      start: filter.start === undefined ? undefined : parseInstant('start', filter.start),
      end: filter.end === undefined ? undefined : parseInstant('end', filter.end),
    };
    if (filter.meter_id === undefined) {
      return toPage(window, (await this.events.list(this.scope, query, window.offset, window.fetch)).map(toEvent));
    }
    const meter = await this.scope.meters.get(filter.meter_id);
    if (filter.event_name !== undefined && filter.event_name !== meter.event_name) return toPage(window, []);
    const matched: UsageEvent[] = [];
    for (let offset = 0; matched.length < window.offset + window.fetch; offset += SCAN_CHUNK) {
      const chunk = (await this.events.list(this.scope, { ...query, event_name: meter.event_name }, offset, SCAN_CHUNK)).map(toEvent);
      matched.push(...chunk.filter((e) => matchesFilter(meter.filter, e.metadata)));
      if (chunk.length < SCAN_CHUNK) break;
    }
    return toPage(window, matched.slice(window.offset, window.offset + window.fetch));
  }

  /** One customer's units of one meter over [start, end): e.g. 2,500 for 2,500 api_call events. */
  async meterTotal(customerId: string, meterId: string, start: string, end: string): Promise<number> {
    const meter = await this.scope.meters.get(meterId);
    return this.events.meterUnits(this.scope, customerId, meter, parseInstant('start', start), parseInstant('end', end));
  }

  /**
   * Per period, per meter: consumed and chargeable units, free threshold, price per unit and amount. Closed
   * periods show what their renewal billed; the current one shows usage so far and what it would bill.
   * `start_date`/`end_date` keep the periods that overlap [start_date, end_date).
   */
  async history(subscriptionId: string, range: { start_date?: string | undefined; end_date?: string | undefined } = {}): Promise<UsageHistory> {
    const sub = await this.scope.subscriptions.findStored(subscriptionId);
    if (!sub) throw notFound('subscription', subscriptionId, 'list_subscriptions');
    const from = range.start_date === undefined ? -Infinity : parseInstant('start_date', range.start_date);
    const to = range.end_date === undefined ? Infinity : parseInstant('end_date', range.end_date);
    const periods = new Map<number, UsagePeriod>();
    // A late line (SPEC D16) adds to the line of the same meter and part of the period it was billed for.
    const partLines = new Map<string, MeterUsage>();
    for (const line of await findUsageLines(this.scope.db, subscriptionId)) {
      const period = periods.get(line.period_start) ?? {
        start_date: iso(line.period_start),
        end_date: iso(line.period_end),
        is_current: false,
        meters: [],
        total_amount: 0,
      };
      periods.set(line.period_start, period);
      period.total_amount += line.amount;
      const partKey = `${line.period_start}/${line.meter_id}/${line.segment_start}/${line.segment_end}`;
      const earlier = partLines.get(partKey);
      if (earlier) {
        earlier.consumed_units += Number(line.consumed_units);
        earlier.chargeable_units += Number(line.chargeable_units);
        earlier.amount += line.amount;
        continue;
      }
      const meter: MeterUsage = {
        meter_id: line.meter_id,
        name: line.meter_name,
        measurement_unit: '',
        product_id: line.product_id,
        consumed_units: Number(line.consumed_units),
        chargeable_units: Number(line.chargeable_units),
        free_threshold: line.free_threshold,
        price_per_unit: line.price_per_unit,
        amount: line.amount,
      };
      partLines.set(partKey, meter);
      period.meters.push(meter);
    }
    const all = [...periods.entries()].map(([start, p]) => ({ start, end: Date.parse(p.end_date), p }));
    if (['active', 'on_hold'].includes(sub.status) && !periods.has(sub.previous_billing_date)) {
      const current = await usageOfPeriod(this.scope, sub, sub.previous_billing_date, sub.next_billing_date);
      all.push({
        start: sub.previous_billing_date,
        end: sub.next_billing_date,
        p: {
          start_date: iso(sub.previous_billing_date),
          end_date: iso(sub.next_billing_date),
          is_current: true,
          meters: current.meters,
          total_amount: current.meters.reduce((s, m) => s + m.amount, 0),
        },
      });
    }
    const units = await this.unitsOf(all.flatMap((x) => x.p.meters.map((m) => m.meter_id)));
    for (const x of all) for (const m of x.p.meters) if (m.measurement_unit === '') m.measurement_unit = units.get(m.meter_id) ?? '';
    return {
      subscription_id: subscriptionId,
      currency: sub.currency,
      periods: all
        .filter((x) => x.end > from && x.start < to)
        .sort((a, b) => a.start - b.start)
        .map((x) => x.p),
    };
  }

  /**
   * The usage of the period a renewal (or a plan change that restarts the cycle) closes, billed with it:
   * its meter lines, and how to record them against the payment (see billing.ts closingPeriodUsage). In
   * the caller's transaction: call it on the charge's scope (`tx.usage`).
   */
  closingPeriodUsage(sub: StoredSubscription, end?: number): Promise<ClosingUsage> {
    return closingPeriodUsage(this.scope, sub, end);
  }

  /** The usage an ending (cancellation, term end) leaves to bill, or null (see billing.ts finalPeriodUsage). */
  finalPeriodUsage(sub: StoredSubscription, end: number): Promise<ClosingUsage | null> {
    return finalPeriodUsage(this.scope, sub, end);
  }

  /** The meter usage of the current part of the period so far, or null when not usage-based (billing.ts). */
  currentPartUsage(
    sub: Pick<StoredSubscription, 'subscription_id' | 'customer_id' | 'product_id' | 'previous_billing_date' | 'next_billing_date'>,
    now: number,
  ): Promise<PartUsage | null> {
    return currentPartUsage(this.scope, sub, now);
  }

  private async unitsOf(meterIds: string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    for (const id of new Set(meterIds)) result.set(id, (await this.scope.meters.get(id)).measurement_unit);
    return result;
  }
}
