// Rule under test: the meters and usage tools over MCP (SPEC §1.14, §2.7) — structuredContent matches the
// output schemas (the client validates it), a usage plan bills its meters at renewal, and bad input to every
// tool is isError with the meter, event and product tables unchanged.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CARD_OK } from '../support/checkout-fixtures.js';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';

let c: ConnectedClient;
let cus: string;
beforeEach(async () => {
  c = await connectClient();
  cus = (await c.ok<{ customer_id: string }>('create_customer', { email: 'a@example.com', name: 'A' })).customer_id;
});
afterEach(async () => {
  await c.close();
});

async function state() {
  const db = c.engine.ctx.db;
  const count = async (t: 'meters' | 'usage_events' | 'usage_events_staged' | 'products' | 'product_meters') =>
    Number(
      (
        await db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    meters: await count('meters'),
    events: (await count('usage_events')) + (await count('usage_events_staged')),
    products: await count('products'),
    links: await count('product_meters'),
  };
}

describe('a read answers at most 1 MB (issue 13)', () => {
  test('100 events with 50 metadata pairs of 500 characters: page_size 100 is refused with the next step, 20 answers', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(500)]));
    const events = Array.from({ length: 100 }, (_, i) => ({ event_id: `big-${i}`, customer_id: cus, event_name: 'api.call', metadata }));
    expect(await c.ok('ingest_usage_events', { events })).toEqual({ ingested_count: 100, duplicate_count: 0 });
    expect(await c.fail('list_usage_events', { customer_id: cus, page_size: 100 })).toMatch(
      /^INVALID_REQUEST_PARAMETERS: the answer would be 2\.\d MB, over the 1 MB a result may take\. Next: ask for less: a smaller page_size, or a narrower filter$/,
    );
    expect((await c.ok<{ items: unknown[] }>('list_usage_events', { customer_id: cus, page_size: 20 })).items).toHaveLength(20);
  });
});

describe('meters and usage tools', () => {
  test('create_meter → usage product → ingest → renewal bills fixed 1000 + 1500 × 2 = 4000 → history', async () => {
    const meter = await c.ok<{ meter_id: string }>('create_meter', {
      name: 'API calls',
      event_name: 'api.call',
      measurement_unit: 'calls',
      aggregation: { type: 'count' },
    });
    expect(await c.ok('get_meter', { meter_id: meter.meter_id })).toMatchObject({
      name: 'API calls',
      aggregation: { type: 'count', key: null },
      filter: null,
    });
    expect((await c.ok<{ items: unknown[] }>('list_meters')).items).toHaveLength(1);
    const product = await c.ok<{ product_id: string; price: { meters: unknown[] } }>('create_product', {
      name: 'API',
      tax_category: 'saas',
      price: {
        type: 'usage_based_price',
        currency: 'USD',
        fixed_price: 1000,
        payment_frequency_count: 1,
        payment_frequency_interval: 'Month',
        meters: [{ meter_id: meter.meter_id, price_per_unit: '2', free_threshold: 1000 }],
      },
    });
    expect(product.price.meters).toEqual([{ meter_id: meter.meter_id, price_per_unit: '2', free_threshold: 1000, description: null }]);
    const method = await c.engine.customers.createPaymentMethod(cus, CARD_OK);
    const sub = await c.engine.subscriptions.create({
      customer_id: cus,
      payment_method_id: method.payment_method_id,
      product_id: product.product_id,
      quantity: 1,
    });
    const id = sub.subscription.subscription_id;
    const events = Array.from({ length: 1000 }, (_, i) => ({ event_id: `e${i}`, customer_id: cus, event_name: 'api.call' }));
    expect(await c.ok('ingest_usage_events', { events })).toEqual({ ingested_count: 1000, duplicate_count: 0 });
    expect(
      await c.ok('ingest_usage_events', {
        events: [
          ...events.slice(0, 500),
          ...Array.from({ length: 500 }, (_, i) => ({ event_id: `f${i}`, customer_id: cus, event_name: 'api.call' })),
        ],
      }),
    ).toEqual({ ingested_count: 500, duplicate_count: 500 });
    await c.engine.usage.ingest(Array.from({ length: 1000 }, (_, i) => ({ event_id: `g${i}`, customer_id: cus, event_name: 'api.call' })));
    expect(await c.ok('get_usage_event', { event_id: 'e1' })).toMatchObject({ event_id: 'e1', customer_id: cus, metadata: null });
    expect((await c.ok<{ items: unknown[]; has_more: boolean }>('list_usage_events', { meter_id: meter.meter_id, page_size: 5 })).has_more).toBe(
      true,
    );
    await c.ok('advance_test_clock', { to: '2025-05-01T00:00:00.000Z' });
    const history = await c.ok<{ periods: { is_current: boolean; total_amount: number; meters: { consumed_units: number; amount: number }[] }[] }>(
      'get_usage_history',
      { subscription_id: id },
    );
    expect(history.periods.map((p) => [p.is_current, p.total_amount, p.meters[0]?.consumed_units])).toEqual([
      [false, 3000, 2500],
      [true, 0, 0],
    ]);
    const payments = (await c.engine.payments.list({ subscription_id: id })).items;
    expect(payments.map((p) => p.total_amount).sort()).toEqual([1000, 4000]);
    expect((await c.ok<{ archived: boolean }>('archive_meter', { meter_id: meter.meter_id })).archived).toBe(true);
    expect((await c.ok<{ archived: boolean }>('unarchive_meter', { meter_id: meter.meter_id })).archived).toBe(false);
  });

  test.each([
    [
      'create_meter',
      { name: 'M', event_name: 'e', measurement_unit: 'u', aggregation: { type: 'sum' } },
      /INVALID_REQUEST_BODY: aggregation sum needs aggregation.key/,
    ],
    ['create_meter', { name: 'M', event_name: 'e', measurement_unit: 'u', aggregation: { type: 'median' } }, /aggregation/],
    ['create_meter', { name: '', event_name: 'e', measurement_unit: 'u', aggregation: { type: 'count' } }, /name must be 1–100 characters/],
    ['get_meter', { meter_id: 'mtr_nope' }, /NOT_FOUND: no meter mtr_nope/],
    ['list_meters', { archived: 'yes' }, /archived/],
    ['archive_meter', { meter_id: 'mtr_nope' }, /NOT_FOUND/],
    ['unarchive_meter', {}, /meter_id/],
    ['ingest_usage_events', { events: [{ event_id: 'a', customer_id: 'cus_nope', event_name: 'x' }] }, /NOT_FOUND: no customer cus_nope/],
    ['ingest_usage_events', { events: [{ event_id: 'a', event_name: 'x' }] }, /customer_id/],
    ['ingest_usage_events', { events: [{ event_id: 'a', customer_id: 'CUS', event_name: 'x', metadata: { k: [1] } }] }, /metadata/],
    ['get_usage_event', { event_id: 'nope' }, /NOT_FOUND: no usage event nope/],
    ['list_usage_events', { meter_id: 'mtr_nope' }, /NOT_FOUND: no meter mtr_nope/],
    ['list_usage_events', { start: 'soon' }, /INVALID_REQUEST_BODY: start must be an ISO-8601 instant, got "soon"/],
    ['get_usage_history', { subscription_id: 'sub_nope' }, /NOT_FOUND: no subscription sub_nope/],
    [
      'create_product',
      {
        name: 'P',
        tax_category: 'saas',
        price: {
          type: 'usage_based_price',
          currency: 'USD',
          fixed_price: 0,
          payment_frequency_count: 1,
          payment_frequency_interval: 'Month',
          meters: [{ meter_id: 'mtr_nope', price_per_unit: '1' }],
        },
      },
      /MISSING_METER_IDS/,
    ],
  ])('%s %j → isError, nothing written', async (tool, args, message) => {
    const before = await state();
    const resolved = JSON.parse(JSON.stringify(args).replaceAll('"CUS"', JSON.stringify(cus))) as Record<string, unknown>;
    expect(await c.fail(tool, resolved)).toMatch(message);
    expect(await state()).toEqual(before);
  });
});
