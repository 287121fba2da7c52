import { BillingError } from '../errors.js';

// The language of meters (SPEC §1.14, §2.7): what a filter and an aggregation say, shared by the meters
// domain (which stores them) and usage (which matches events with them).

export const AGGREGATION_TYPES = ['count', 'sum', 'max', 'last', 'unique_count'] as const;
export type AggregationType = (typeof AGGREGATION_TYPES)[number];

/** The comparisons a meter filter condition may use. */
export const FILTER_OPERATORS = [
  'equals',
  'not_equals',
  'greater_than',
  'greater_than_or_equals',
  'less_than',
  'less_than_or_equals',
  'contains',
  'does_not_contain',
] as const;
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

// Pure rules of meters (SPEC §2.7 matching and aggregation): no database, no clock.

export const MAX_FILTER_DEPTH = 3;

function isFilter(clause: FilterClause): clause is MeterFilter {
  return 'clauses' in clause;
}

function invalid(message: string, nextStep: string): BillingError {
  return new BillingError('INVALID_REQUEST_BODY', message, nextStep);
}

/** A filter is `and|or` over at least one clause, nested at most 3 levels, with known operators. */
export function checkFilter(filter: MeterFilter, depth = 1, path = 'filter'): void {
  if (depth > MAX_FILTER_DEPTH) {
    throw invalid(`${path} nests deeper than ${MAX_FILTER_DEPTH} levels`, 'flatten the filter to at most 3 levels');
  }
  if (filter.conjunction !== 'and' && filter.conjunction !== 'or') {
    throw invalid(`${path}.conjunction must be "and" or "or"`, 'send "and" or "or"');
  }
  if (filter.clauses.length === 0) throw invalid(`${path}.clauses is empty`, 'give at least one clause, or no filter');
  filter.clauses.forEach((clause, i) => {
    const at = `${path}.clauses[${i}]`;
    if (isFilter(clause)) return checkFilter(clause, depth + 1, at);
    if (clause.key.length === 0) throw invalid(`${at}.key is empty`, 'name a metadata key');
    if (!(FILTER_OPERATORS as readonly string[]).includes(clause.operator)) {
      throw invalid(`${at}.operator ${clause.operator} is unknown`, `use one of ${FILTER_OPERATORS.join(', ')}`);
    }
    if ((clause.operator === 'contains' || clause.operator === 'does_not_contain') && typeof clause.value !== 'string') {
      throw invalid(`${at}: ${clause.operator} needs a string value`, 'send the substring as a string');
    }
  });
}

/**
 * One condition against an event's metadata. A missing key is false whatever the operator; equals and
 * not_equals are type-strict ("150" ≠ 150, so not_equals "150" is true for 150); the four comparisons hold
 * only when both sides are numbers; contains and does_not_contain are substring tests on strings (a
 * number never contains anything, and never "does not contain" either).
 */
export function matchesCondition(condition: FilterCondition, metadata: UsageMetadata | null): boolean {
  if (metadata === null || !Object.hasOwn(metadata, condition.key)) return false;
  const actual = metadata[condition.key];
  const expected = condition.value;
  switch (condition.operator) {
    case 'equals':
      return actual === expected;
    case 'not_equals':
      return actual !== expected;
    case 'contains':
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    case 'does_not_contain':
      return typeof actual === 'string' && typeof expected === 'string' && !actual.includes(expected);
    default: {
      if (typeof actual !== 'number' || typeof expected !== 'number') return false;
      switch (condition.operator) {
        case 'greater_than':
          return actual > expected;
        case 'greater_than_or_equals':
          return actual >= expected;
        case 'less_than':
          return actual < expected;
        case 'less_than_or_equals':
          return actual <= expected;
      }
    }
  }
}

/** `and`: every clause holds; `or`: at least one does. No filter: every event matches. */
export function matchesFilter(filter: MeterFilter | null, metadata: UsageMetadata | null): boolean {
  if (filter === null) return true;
  const test = (clause: FilterClause): boolean => (isFilter(clause) ? matchesFilter(clause, metadata) : matchesCondition(clause, metadata));
  return filter.conjunction === 'and' ? filter.clauses.every(test) : filter.clauses.some(test);
}

export interface AggregatedEvent {
  timestamp: number;
  metadata: UsageMetadata | null;
}

/**
 * Units over events already matched, in timestamp order (SPEC §2.7): count = number of events;
 * sum = Σ numeric metadata[key] (other values skipped); max = the largest numeric value (0 if none);
 * last = the numeric value of the latest event that has one (0 if none); unique_count = distinct values
 * of key, type-strict ("1" and 1 are two values). Example: sum over tokens 10, 20, "x" → 30.
 */
export function aggregate(aggregation: Aggregation, events: Iterable<AggregatedEvent>): number {
  const key = aggregation.key ?? '';
  switch (aggregation.type) {
    case 'count': {
      let n = 0;
      for (const _ of events) n += 1;
      return n;
    }
    case 'sum': {
      let sum = 0;
      for (const e of events) {
        const v = e.metadata?.[key];
        if (typeof v === 'number') sum += v;
      }
      return sum;
    }
    case 'max': {
      let max: number | null = null;
      for (const e of events) {
        const v = e.metadata?.[key];
        if (typeof v === 'number' && (max === null || v > max)) max = v;
      }
      return max ?? 0;
    }
    case 'last': {
      let last = 0;
      let at = -Infinity;
      for (const e of events) {
        const v = e.metadata?.[key];
        if (typeof v === 'number' && e.timestamp >= at) {
          last = v;
          at = e.timestamp;
        }
      }
      return last;
    }
    case 'unique_count': {
      const seen = new Set<string>();
      for (const e of events) {
        const v = e.metadata?.[key];
        if (v !== undefined) seen.add(`${typeof v}:${String(v)}`);
      }
      return seen.size;
    }
  }
}
