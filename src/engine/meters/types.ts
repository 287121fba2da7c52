import type { FILTER_OPERATORS } from '../rules/meter-matching.js';

export const AGGREGATION_TYPES = ['count', 'sum', 'max', 'last', 'unique_count'] as const;
export type AggregationType = (typeof AGGREGATION_TYPES)[number];

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type MetadataValue = string | number | boolean;
/** A usage event's metadata: a flat map of strings, numbers and booleans (SPEC §1.15). */
export type UsageMetadata = Record<string, MetadataValue>;

export interface FilterCondition {
  key: string;
  operator: FilterOperator;
  value: MetadataValue;
}

/** Clauses joined by `and` or `or`; a clause is a condition or a nested filter (≤ 3 levels in all). */
export interface MeterFilter {
  conjunction: 'and' | 'or';
  clauses: FilterClause[];
}
export type FilterClause = FilterCondition | MeterFilter;

export interface Aggregation {
  type: AggregationType;
  /** The metadata key aggregated ("over property"); null for count. */
  key: string | null;
}

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
