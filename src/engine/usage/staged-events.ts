import type { UsageMetadata } from '../meters/types.js';
import { parseUsageMetadata, type UsageEventRow } from './rules.js';

/** A staged event as held in memory: its row, its seq in usage_events_staged, metadata parsed once. */
export interface StagedEvent extends UsageEventRow {
  seq: number;
  id_hash: number;
  parsed?: UsageMetadata | null;
}

/** One customer's staged events of one name: how many, and their earliest and latest timestamps. */
export type StagedRun = [customerId: string, eventName: string, count: number, minTimestamp: number, maxTimestamp: number];

export function metadataOf(event: StagedEvent): UsageMetadata | null {
  if (event.parsed === undefined) event.parsed = parseUsageMetadata(event.metadata);
  return event.parsed;
}

/**
 * This process's copy of usage_events_staged: events ingested but not merged yet, by id (the idempotency
 * check) and by customer (meter totals), so neither needs an index on the staging table — an index there
 * would be dirtied page by page by every batch, which is the cost staging exists to avoid.
 *
 * It is a cache of the table, never the truth: `generation` is the merge count it was loaded at and
 * `lastSeq` the last staged row it holds. Before every read or write the SQLite usage store compares them
 * with the database (another process may have ingested or merged) and loads what is new, or everything
 * after a merge. A write that fails leaves it stale, so the next use reloads it.
 */
export class StagedEvents {
  generation = -1;
  lastSeq = 0;
  private readonly byId = new Map<string, StagedEvent>();
  private readonly byCustomer = new Map<string, StagedEvent[]>();

  get size(): number {
    return this.byId.size;
  }

  /** Empties the copy for `generation`; a generation of -1 marks it stale. */
  reset(generation: number): void {
    this.generation = generation;
    this.lastSeq = 0;
    this.byId.clear();
    this.byCustomer.clear();
  }

  markStale(): void {
    this.reset(-1);
  }

  /** Adds rows read from the staging table, in seq order. */
  add(events: readonly StagedEvent[]): void {
    for (const event of events) this.addOne(event);
  }

  /**
   * Adds one row read from the staging table, or just written to it by a transaction still open (which,
   * should it fail, marks the copy stale).
   */
  addOne(event: StagedEvent): void {
    if (this.byId.has(event.event_id)) return;
    this.byId.set(event.event_id, event);
    const list = this.byCustomer.get(event.customer_id);
    if (list) list.push(event);
    else this.byCustomer.set(event.customer_id, [event]);
    if (event.seq > this.lastSeq) this.lastSeq = event.seq;
  }

  get(eventId: string): StagedEvent | undefined {
    return this.byId.get(eventId);
  }

  has(eventId: string): boolean {
    return this.byId.has(eventId);
  }

  /** A customer's staged events, in arrival order. */
  ofCustomer(customerId: string): readonly StagedEvent[] {
    return this.byCustomer.get(customerId) ?? [];
  }

  /**
   * Per customer and event name: [customer, event name, count, earliest timestamp, latest timestamp], in
   * no particular order. 3 calls and 1 image of cus_1 → [["cus_1", "api.call", 3, …], ["cus_1", "image", 1, …]].
   */
  runs(): StagedRun[] {
    const runs: StagedRun[] = [];
    for (const [customerId, events] of this.byCustomer) {
      const byName = new Map<string, StagedRun>();
      for (const e of events) {
        const run = byName.get(e.event_name);
        if (!run) byName.set(e.event_name, [customerId, e.event_name, 1, e.timestamp, e.timestamp]);
        else {
          run[2] += 1;
          if (e.timestamp < run[3]) run[3] = e.timestamp;
          if (e.timestamp > run[4]) run[4] = e.timestamp;
        }
      }
      runs.push(...byName.values());
    }
    return runs;
  }

  all(): IterableIterator<StagedEvent> {
    return this.byId.values();
  }
}
