import type { Aggregation, AggregationType, MeterFilter } from '../rules/meter-matching.js';

// The filter and aggregation vocabulary is the kernel's (rules/meter-matching.ts): usage matches with it too.
export { AGGREGATION_TYPES, FILTER_OPERATORS } from '../rules/meter-matching.js';
export type {
  Aggregation,
  AggregationType,
  FilterClause,
  FilterCondition,
  FilterOperator,
  MeterFilter,
  MetadataValue,
  UsageMetadata,
} from '../rules/meter-matching.js';

/** What a usage-based product counts (SPEC §1.14): events named `event_name` that pass `filter`. */
export interface Meter {
  meter_id: string;
  business_id: string;
  name: string;
  description: string | null;
  /** Exact and case-sensitive. */
  event_name: string;
  /** A label for the units: "API calls", "tokens", "GB". */
  measurement_unit: string;
  aggregation: Aggregation;
  filter: MeterFilter | null;
  archived: boolean;
  created_at: string;
  updated_at: string;
}

export interface NewMeter {
  name: string;
  description?: string | null | undefined;
  event_name: string;
  measurement_unit: string;
  aggregation: { type: AggregationType; key?: string | null | undefined };
  filter?: MeterFilter | null | undefined;
}

export interface MeterListFilter {
  /** true: only archived meters; false (default): only live ones. */
  archived?: boolean | undefined;
}
