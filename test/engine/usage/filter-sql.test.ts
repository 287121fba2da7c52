// Rule under test: SPEC §2.7 matching and aggregation give the same answer whether an event is merged (its
// meter filter compiled to SQL over the JSON metadata, only the key's values read back) or staged (matched
// in JavaScript by rules/meter-matching.ts, the reference): type-strict equals ("150" ≠ 150, true ≠ 1), a
// missing key false for every operator, comparisons only between numbers, substring tests only on
// strings, nested and/or — checked on random filters and metadata, then on random meters end to end.
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { FrozenClock } from '../../../src/engine/clock.js';
import { openDatabase } from '../../../src/engine/db/database.js';
import { sequentialIds } from '../../../src/engine/ids.js';
import { createEngine } from '../../../src/engine/index.js';
import { aggregate, matchesFilter } from '../../../src/engine/rules/meter-matching.js';
import {
  AGGREGATION_TYPES,
  type Aggregation,
  FILTER_OPERATORS,
  type FilterClause,
  type MeterFilter,
  type UsageMetadata,
} from '../../../src/engine/meters/types.js';
import { filterSql } from '../../../src/engine/usage/filter-sql.js';

const KEYS = ['model', 'tokens', 'region.name', 'flag', 'a b', "o'clock"] as const;
const scalar = fc.oneof(fc.constantFrom('small', 'large', '150', '', 'sm', 'a"b'), fc.constantFrom(150, 0, -1, 1.5, 2, 1e21), fc.boolean());
const metadata: fc.Arbitrary<UsageMetadata | null> = fc.option(fc.dictionary(fc.constantFrom(...KEYS), scalar, { maxKeys: 4 }), { nil: null });
const condition = fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom(...FILTER_OPERATORS), value: scalar });
/** A filter over `clause`s: and/or of 1–3 of them. */
const filterOf = (clause: fc.Arbitrary<FilterClause>): fc.Arbitrary<MeterFilter> =>
  fc.record({ conjunction: fc.constantFrom('and' as const, 'or' as const), clauses: fc.array(clause, { minLength: 1, maxLength: 3 }) });
// Nested at most 3 levels, as meters allow.
const nested = (c: fc.Arbitrary<FilterClause>) => filterOf(fc.oneof(c, filterOf(fc.oneof(c, filterOf(c)))));
const filter = nested(condition);
// What create_meter accepts: contains / does_not_contain take a string.
const meterFilterArb = nested(
  condition.map((c) => (c.operator === 'contains' || c.operator === 'does_not_contain' ? { ...c, value: String(c.value) } : c)),
);

describe('a meter filter compiled to SQL matches what matching.ts matches', () => {
  const db = new SQLite(':memory:');
  afterAll(() => db.close());

  test('property: random filters × random metadata', () => {
    fc.assert(
      fc.property(filter, metadata, (f, m) => {
        const where = filterSql(f);
        if (where === null) return;
        const row = db
          .prepare(`SELECT 1 FROM (SELECT ? AS metadata) e WHERE ${where.sql}`)
          .get(m === null ? null : JSON.stringify(m), ...where.params);
        expect(row !== undefined).toBe(matchesFilter(f, m));
      }),
      { numRuns: 3000 },
    );
  });

  test('the docs’ warning: equals "150" does not match 150, and true is not 1', () => {
    const match = (f: MeterFilter, m: UsageMetadata) => {
      const where = filterSql(f);
      if (where === null) throw new Error('not compiled');
      return db.prepare(`SELECT 1 FROM (SELECT ? AS metadata) e WHERE ${where.sql}`).get(JSON.stringify(m), ...where.params) !== undefined;
    };
    expect(match({ conjunction: 'and', clauses: [{ key: 'n', operator: 'equals', value: '150' }] }, { n: 150 })).toBe(false);
    expect(match({ conjunction: 'and', clauses: [{ key: 'n', operator: 'equals', value: 150 }] }, { n: 150 })).toBe(true);
    expect(match({ conjunction: 'and', clauses: [{ key: 'n', operator: 'equals', value: 1 }] }, { n: true })).toBe(false);
    expect(match({ conjunction: 'and', clauses: [{ key: 'n', operator: 'not_equals', value: '150' }] }, { n: 150 })).toBe(true);
    expect(match({ conjunction: 'and', clauses: [{ key: 'n', operator: 'not_equals', value: '150' }] }, {})).toBe(false);
  });

  test('a key with a double quote cannot be a JSON path: the meter falls back to JavaScript', () => {
    expect(filterSql({ conjunction: 'and', clauses: [{ key: 'a"b', operator: 'equals', value: 1 }] })).toBeNull();
  });
});

describe('meter totals over merged and staged events equal the reference aggregation', () => {
  test('property: random events, random meter, some merged and some staged', async () => {
    const at = (s: number) => new Date(Date.parse('2025-04-01T11:30:00.000Z') + s * 1000).toISOString();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ second: fc.integer({ min: 0, max: 30 }), metadata }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom(...AGGREGATION_TYPES),
        fc.option(meterFilterArb, { nil: null }),
        fc.constantFrom('tokens', "o'clock", 'region.name'),
        async (events, mergedCount, type, meterFilter, key) => {
          // A fresh engine per run: an account holds at most 50 meters.
          const engine = await createEngine({
            db: openDatabase({ path: ':memory:' }).db,
            clock: new FrozenClock('2025-04-01T12:00:00.000Z'),
            ids: sequentialIds(),
          });
          try {
            const cus = (await engine.customers.create({ email: 'a@example.com', name: 'A' })).customer_id;
            const inputs = events.map((e, i) => ({
              event_id: `e-${i}`,
              customer_id: cus,
              event_name: 'api.call',
              timestamp: at(e.second),
              metadata: e.metadata,
            }));
            if (mergedCount > 0) await engine.usage.ingest(inputs.slice(0, mergedCount));
            await engine.usage.mergeStaged();
            if (mergedCount < inputs.length) await engine.usage.ingest(inputs.slice(mergedCount));
            const aggregation: Aggregation = { type, key: type === 'count' ? null : key };
            const meter = await engine.meters.create({
              name: 'M',
              event_name: 'api.call',
              measurement_unit: 'u',
              aggregation,
              ...(meterFilter ? { filter: meterFilter } : {}),
            });
            // The reference: every event in timestamp order (ties in arrival order), matched in JavaScript.
            const reference = aggregate(
              aggregation,
              events
                .map((e) => ({ timestamp: Date.parse(at(e.second)), metadata: e.metadata && Object.keys(e.metadata).length > 0 ? e.metadata : null }))
                .sort((a, b) => a.timestamp - b.timestamp)
                .filter((e) => matchesFilter(meterFilter, e.metadata)),
            );
            expect(await engine.usage.meterTotal(cus, meter.meter_id, '2025-04-01T00:00:00.000Z', '2025-04-02T00:00:00.000Z')).toBe(reference);
          } finally {
            await engine.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
