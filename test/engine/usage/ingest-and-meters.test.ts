// Rule under test: SPEC §2.7 ingestion and matching — a batch is validated whole and stored all or nothing
// (missing fields, unknown customer, an event_id twice in the batch, timestamps over 1 h old or 5 min ahead
// of the engine clock (D12), oversized metadata, 1001 events → rejected with a code, nothing stored); an
// event_id stored earlier is skipped and not counted; meters match type-strictly, a missing key is false,
// comparisons need numbers, contains is a substring test, filters nest; each aggregation.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import { aggregate, matchesFilter } from '../../../src/engine/rules/meter-matching.js';
import type { FilterOperator, MeterFilter } from '../../../src/engine/meters/types.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
let cus: string;
beforeEach(async () => {
  engine = await createTestEngine('2025-04-01T12:00:00.000Z');
  cus = (await engine.customers.create({ email: 'a@example.com', name: 'A' })).customer_id;
});
afterEach(async () => {
  await engine.close();
});

const countRows = async (table: 'usage_events' | 'usage_events_staged') =>
  Number(
    (
      await engine.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
/** Events stored, staged or merged. */
const stored = async () => (await countRows('usage_events')) + (await countRows('usage_events_staged'));
const ev = (id: string, extra: Record<string, unknown> = {}) => ({ event_id: id, customer_id: cus, event_name: 'api.call', ...extra });

async function rejected(events: unknown[]): Promise<string> {
  try {
    await engine.usage.ingest(events as never);
  } catch (error) {
    expect(error).toBeInstanceOf(BillingError);
    expect(await stored()).toBe(0);
    return `${(error as BillingError).code}: ${(error as BillingError).message}`;
  }
  throw new Error('the batch was accepted');
}

describe('bad batches are rejected whole and store nothing', () => {
  test.each([
    ['missing event_id', () => [ev('a'), { customer_id: cus, event_name: 'x' }], /INVALID_REQUEST_BODY: events\[1\]\.event_id is required/],
    ['missing customer_id', () => [ev('a'), { event_id: 'b', event_name: 'x' }], /events\[1\]\.customer_id is required/],
    ['missing event_name', () => [{ event_id: 'b', customer_id: cus }], /events\[0\]\.event_name is required/],
    ['unknown customer', () => [ev('a'), { ...ev('b'), customer_id: 'cus_nope' }], /NOT_FOUND: no customer cus_nope/],
    ['id twice in the batch', () => [ev('a'), ev('b'), ev('a')], /event_id a appears twice in the batch/],
    ['over 1 h old', () => [ev('a', { timestamp: '2025-04-01T10:59:59.999Z' })], /more than 1 hour before/],
    ['over 5 min ahead', () => [ev('a', { timestamp: '2025-04-01T12:05:00.001Z' })], /more than 5 minutes after/],
    ['bad timestamp', () => [ev('a', { timestamp: 'yesterday' })], /not an ISO-8601 instant/],
    [
      '51 metadata pairs',
      () => [ev('a', { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) })],
      /MAXIMUM_KEYS_REACHED/,
    ],
    ['101-character key', () => [ev('a', { metadata: { ['k'.repeat(101)]: 1 } })], /must be 1–100 characters/],
    ['501-character value', () => [ev('a', { metadata: { k: 'v'.repeat(501) } })], /501 characters; at most 500/],
    ['nested metadata', () => [ev('a', { metadata: { k: { deep: 1 } } })], /objects and arrays are rejected/],
    ['1001 events', () => Array.from({ length: 1001 }, (_, i) => ev(`e${i}`)), /at most 1000 events, got 1001/],
    ['empty batch', () => [], /events is empty/],
  ])('%s', async (_, events, message) => {
    expect(await rejected(events())).toMatch(message);
  });

  test('the window edges are accepted: exactly 1 h old and exactly 5 min ahead', async () => {
    expect(
      await engine.usage.ingest([ev('old', { timestamp: '2025-04-01T11:00:00.000Z' }), ev('new', { timestamp: '2025-04-01T12:05:00.000Z' })]),
    ).toEqual({ ingested_count: 2, duplicate_count: 0 });
  });

  test('the test clock moves the window', async () => {
    await engine.testClock.advance({ to: '2025-04-03T00:00:00.000Z' });
    expect(await rejected([ev('a', { timestamp: '2025-04-01T12:00:00.000Z' })])).toMatch(/more than 1 hour before/);
    expect(await engine.usage.ingest([ev('a', { timestamp: '2025-04-02T23:30:00.000Z' })])).toEqual({ ingested_count: 1, duplicate_count: 0 });
  });
});

describe('idempotency: an event re-sent after a crash is not counted twice', () => {
  test('resend of a whole batch plus one new → 1 ingested, 3 duplicates; the event keeps its first version', async () => {
    await engine.usage.ingest([ev('a', { metadata: { n: 1 } }), ev('b'), ev('c')]);
    expect(await engine.usage.ingest([ev('a', { metadata: { n: 99 } }), ev('b'), ev('c'), ev('d')])).toEqual({
      ingested_count: 1,
      duplicate_count: 3,
    });
    expect(await stored()).toBe(4);
    expect(await engine.usage.getEvent('a')).toMatchObject({
      event_id: 'a',
      customer_id: cus,
      metadata: { n: 1 },
      timestamp: '2025-04-01T12:00:00.000Z',
    });
  });
});

describe('matching (pure)', () => {
  const meta = { status: 200, code: '150', path: '/v1/images', premium: true };
  test.each<[FilterOperator, string | number | boolean, boolean]>([
    ['equals', 200, true],
    ['equals', '200', false],
    ['not_equals', '200', true],
    ['not_equals', 200, false],
    ['greater_than', 199, true],
    ['greater_than', 200, false],
    ['greater_than_or_equals', 200, true],
    ['less_than', 201, true],
    ['less_than', 200, false],
    ['less_than_or_equals', 200, true],
  ])('status %s %s → %s', (operator, value, expected) => {
    expect(matchesFilter({ conjunction: 'and', clauses: [{ key: 'status', operator, value }] }, meta)).toBe(expected);
  });
  test('equals is type-strict: "150" ≠ 150', () => {
    expect(matchesFilter({ conjunction: 'and', clauses: [{ key: 'code', operator: 'equals', value: 150 }] }, meta)).toBe(false);
    expect(matchesFilter({ conjunction: 'and', clauses: [{ key: 'code', operator: 'equals', value: '150' }] }, meta)).toBe(true);
  });
  test('comparisons need numbers on both sides: "150" > 100 is false', () => {
    expect(matchesFilter({ conjunction: 'and', clauses: [{ key: 'code', operator: 'greater_than', value: 100 }] }, meta)).toBe(false);
  });
  test('contains / does_not_contain are substring tests on strings', () => {
    const f = (operator: FilterOperator, key: string, value: string): MeterFilter => ({ conjunction: 'and', clauses: [{ key, operator, value }] });
    expect(matchesFilter(f('contains', 'path', 'images'), meta)).toBe(true);
    expect(matchesFilter(f('does_not_contain', 'path', 'images'), meta)).toBe(false);
    expect(matchesFilter(f('does_not_contain', 'path', 'videos'), meta)).toBe(true);
    expect(matchesFilter(f('contains', 'status', '20'), meta)).toBe(false);
  });
  test('a clause on a missing key is false, for every operator', () => {
    for (const operator of ['equals', 'not_equals', 'contains', 'does_not_contain', 'less_than'] as const) {
      expect(matchesFilter({ conjunction: 'or', clauses: [{ key: 'missing', operator, value: 'x' }] }, meta)).toBe(false);
    }
    expect(matchesFilter({ conjunction: 'and', clauses: [{ key: 'x', operator: 'not_equals', value: 1 }] }, null)).toBe(false);
  });
  test('nested filters: status = 200 and (premium or (path contains "v2" and status < 300))', () => {
    const filter: MeterFilter = {
      conjunction: 'and',
      clauses: [
        { key: 'status', operator: 'equals', value: 200 },
        {
          conjunction: 'or',
          clauses: [
            { key: 'premium', operator: 'equals', value: true },
            {
              conjunction: 'and',
              clauses: [
                { key: 'path', operator: 'contains', value: 'v2' },
                { key: 'status', operator: 'less_than', value: 300 },
              ],
            },
          ],
        },
      ],
    };
    expect(matchesFilter(filter, meta)).toBe(true);
    expect(matchesFilter(filter, { ...meta, premium: false })).toBe(false);
    expect(matchesFilter(filter, { ...meta, premium: false, path: '/v2/x' })).toBe(true);
  });
  test.each([
    ['count', null, 4],
    ['sum', 'tokens', 35],
    ['max', 'tokens', 20],
    ['last', 'tokens', 5],
    ['unique_count', 'user', 2],
  ] as const)('aggregation %s over %s → %s', (type, key, units) => {
    const events = [
      { timestamp: 1, metadata: { tokens: 10, user: 'a' } },
      { timestamp: 2, metadata: { tokens: 20, user: 'b' } },
      { timestamp: 3, metadata: { tokens: 'x', user: 'a' } },
      { timestamp: 4, metadata: { tokens: 5, user: 'a' } },
    ];
    expect(aggregate({ type, key }, events)).toBe(units);
  });
});

describe('meters and list_usage_events', () => {
  test('a meter filter is validated: 4 levels, empty clauses, aggregation key', async () => {
    const deep: MeterFilter = {
      conjunction: 'and',
      clauses: [
        {
          conjunction: 'and',
          clauses: [{ conjunction: 'and', clauses: [{ conjunction: 'and', clauses: [{ key: 'a', operator: 'equals', value: 1 }] }] }],
        },
      ],
    };
    await expect(
      engine.meters.create({ name: 'M', event_name: 'e', measurement_unit: 'u', aggregation: { type: 'count' }, filter: deep }),
    ).rejects.toThrow(/deeper than 3 levels/);
    await expect(engine.meters.create({ name: 'M', event_name: 'e', measurement_unit: 'u', aggregation: { type: 'sum' } })).rejects.toThrow(
      /needs aggregation.key/,
    );
    await expect(
      engine.meters.create({
        name: 'M',
        event_name: 'e',
        measurement_unit: 'u',
        aggregation: { type: 'count' },
        filter: { conjunction: 'and', clauses: [] },
      }),
    ).rejects.toThrow(/clauses is empty/);
    expect((await engine.meters.list()).items).toEqual([]);
  });

  test('meter_id applies the meter’s event name and filter; archive and unarchive', async () => {
    const meter = await engine.meters.create({
      name: 'Big',
      event_name: 'api.call',
      measurement_unit: 'calls',
      aggregation: { type: 'count' },
      filter: { conjunction: 'and', clauses: [{ key: 'tokens', operator: 'greater_than', value: 10 }] },
    });
    await engine.usage.ingest([
      ev('a', { metadata: { tokens: 5 } }),
      ev('b', { metadata: { tokens: 50 } }),
      { ...ev('c', { metadata: { tokens: 99 } }), event_name: 'API.call' },
    ]);
    expect((await engine.usage.listEvents({ meter_id: meter.meter_id })).items.map((e) => e.event_id)).toEqual(['b']);
    expect((await engine.usage.listEvents({ customer_id: cus })).items).toHaveLength(3);
    expect((await engine.usage.listEvents({ event_name: 'api.call' }, { page_size: 1 })).has_more).toBe(true);
    expect((await engine.meters.archive(meter.meter_id)).archived).toBe(true);
    expect((await engine.meters.list({ archived: true })).items.map((m) => m.meter_id)).toEqual([meter.meter_id]);
    await expect(
      engine.products.create({
        name: 'P',
        tax_category: 'saas',
        price: {
          type: 'usage_based_price',
          currency: 'USD',
          fixed_price: 0,
          payment_frequency_count: 1,
          payment_frequency_interval: 'Month',
          meters: [{ meter_id: meter.meter_id, price_per_unit: '1' }],
        },
      }),
    ).rejects.toMatchObject({ code: 'METER_IS_DELETED' });
    expect((await engine.meters.unarchive(meter.meter_id)).archived).toBe(false);
  });

  test.each([
    [[{ meter_id: 'mtr_nope', price_per_unit: '1' }], 'MISSING_METER_IDS'],
    [
      [
        { meter_id: 'M', price_per_unit: '1' },
        { meter_id: 'M', price_per_unit: '2' },
      ],
      'DUPLICATE_METER_IDS_IN_REQUEST',
    ],
    [[{ meter_id: 'M', price_per_unit: '0' }], 'INVALID_REQUEST_PARAMETERS'],
    [[{ meter_id: 'M', price_per_unit: 'two' }], 'INVALID_REQUEST_PARAMETERS'],
    [[{ meter_id: 'M', price_per_unit: '1', free_threshold: -1 }], 'INVALID_REQUEST_PARAMETERS'],
  ])('product meters %j → %s, no product written', async (meters, code) => {
    const meter = await engine.meters.create({ name: 'M', event_name: 'e', measurement_unit: 'u', aggregation: { type: 'count' } });
    const resolved = meters.map((m) => ({ ...m, meter_id: m.meter_id === 'M' ? meter.meter_id : m.meter_id }));
    await expect(
      engine.products.create({
        name: 'P',
        tax_category: 'saas',
        price: {
          type: 'usage_based_price',
          currency: 'USD',
          fixed_price: 0,
          payment_frequency_count: 1,
          payment_frequency_interval: 'Month',
          meters: resolved,
        },
      }),
    ).rejects.toMatchObject({ code });
    expect((await engine.products.list()).items).toEqual([]);
  });
});
