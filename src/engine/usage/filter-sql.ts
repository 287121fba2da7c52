import type { FilterClause, FilterCondition, MeterFilter } from '../meters/types.js';

// The SQLite usage store's dialect helper (sqlite-store.ts): a meter filter as a WHERE fragment over the
// JSON column `e.metadata`, so a meter total reads only the values it adds up instead of parsing every
// event's metadata in JavaScript. It must agree with rules/meter-matching.ts (the reference, used for staged events)
// on every input; a property test holds the two together.

export interface SqlFragment {
  sql: string;
  params: (string | number)[];
}

const NUMERIC = "('integer', 'real')";

/** `$."key"`: a quoted label, so dots and brackets in keys are literal. Keys with a quote are not expressible. */
export function jsonPath(key: string): string | null {
  return key.includes('"') || key.includes('\\') ? null : `$."${key}"`;
}

/** The JSON type SQLite reports for a metadata value of this JavaScript type and value. */
function sameTypeAndValue(path: string, value: string | number | boolean): SqlFragment {
  if (typeof value === 'boolean') return { sql: 'json_type(e.metadata, ?) = ?', params: [path, value ? 'true' : 'false'] };
  if (typeof value === 'number') {
    return { sql: `(json_type(e.metadata, ?) IN ${NUMERIC} AND json_extract(e.metadata, ?) = ?)`, params: [path, path, value] };
  }
  return { sql: "(json_type(e.metadata, ?) = 'text' AND json_extract(e.metadata, ?) = ?)", params: [path, path, value] };
}

const COMPARISONS = { greater_than: '>', greater_than_or_equals: '>=', less_than: '<', less_than_or_equals: '<=' } as const;

/**
 * One condition, with matching.ts's rules: a missing key is false for every operator; equals and
 * not_equals are type-strict (not_equals "150" holds for 150); comparisons need a number on both sides;
 * contains / does_not_contain are substring tests on strings only. Null when the key cannot be a path.
 */
function condition(c: FilterCondition): SqlFragment | null {
  const path = jsonPath(c.key);
  if (path === null) return null;
  switch (c.operator) {
    case 'equals':
      return sameTypeAndValue(path, c.value);
    case 'not_equals': {
      const equal = sameTypeAndValue(path, c.value);
      return { sql: `(json_type(e.metadata, ?) IS NOT NULL AND NOT ${equal.sql})`, params: [path, ...equal.params] };
    }
    case 'contains':
    case 'does_not_contain': {
      if (typeof c.value !== 'string') return { sql: '0', params: [] };
      const found = c.operator === 'contains' ? '> 0' : '= 0';
      return { sql: `(json_type(e.metadata, ?) = 'text' AND instr(json_extract(e.metadata, ?), ?) ${found})`, params: [path, path, c.value] };
    }
    default: {
      if (typeof c.value !== 'number') return { sql: '0', params: [] };
      return {
        sql: `(json_type(e.metadata, ?) IN ${NUMERIC} AND json_extract(e.metadata, ?) ${COMPARISONS[c.operator]} ?)`,
        params: [path, path, c.value],
      };
    }
  }
}

function isFilter(clause: FilterClause): clause is MeterFilter {
  return 'clauses' in clause;
}

/** The whole filter (nested `and`/`or`), or null when some key cannot be expressed as a JSON path. */
export function filterSql(filter: MeterFilter | null): SqlFragment | null {
  if (filter === null) return { sql: '1', params: [] };
  const parts: SqlFragment[] = [];
  for (const clause of filter.clauses) {
    const part = isFilter(clause) ? filterSql(clause) : condition(clause);
    if (part === null) return null;
    parts.push(part);
  }
  return { sql: `(${parts.map((p) => p.sql).join(filter.conjunction === 'and' ? ' AND ' : ' OR ')})`, params: parts.flatMap((p) => p.params) };
}
