import type { UsageMetadata } from '../meters/types.js';

/** At most 1000 events per ingest call (SPEC §2.7). */
export const MAX_EVENTS_PER_BATCH = 1000;

/** An event as a caller sends it (SPEC §1.15); timestamp defaults to the engine clock's now. */
export interface UsageEventInput {
  event_id: string;
  customer_id: string;
  event_name: string;
  /** ISO-8601; within 1 hour before and 5 minutes after the engine clock (D12). */
  timestamp?: string | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

export interface UsageEvent {
  event_id: string;
  business_id: string;
  customer_id: string;
  event_name: string;
  timestamp: string;
  metadata: UsageMetadata | null;
}

export interface IngestResult {
  /** Events stored by this call. */
  ingested_count: number;
  /** Events whose event_id was already stored by an earlier call: skipped, not counted again. */
  duplicate_count: number;
}

export interface UsageEventFilter {
  customer_id?: string | undefined;
  event_name?: string | undefined;
  /** Only events this meter counts: its event name and its filter. */
  meter_id?: string | undefined;
  /** ISO-8601, inclusive. */
  start?: string | undefined;
  /** ISO-8601, exclusive. */
  end?: string | undefined;
}

/** One meter's usage in one period and what it bills: max(0, consumed − free) × price_per_unit, rounded once. */
export interface MeterUsage {
  meter_id: string;
  name: string;
  measurement_unit: string;
  /** The product whose price carries the meter (D6: the product the usage was recorded under). */
  product_id: string;
  consumed_units: number;
  chargeable_units: number;
  free_threshold: number;
  /** Decimal string, minor units per unit. */
  price_per_unit: string;
  /** Minor units. */
  amount: number;
}

export interface UsagePeriod {
  start_date: string;
  end_date: string;
  /** true for the current period: usage so far and what it would bill if it closed now. */
  is_current: boolean;
  meters: MeterUsage[];
  /** Σ meters' amount, minor units (the fixed price is billed separately, in advance). */
  total_amount: number;
}

export interface UsageHistory {
  subscription_id: string;
  currency: string;
  periods: UsagePeriod[];
}
