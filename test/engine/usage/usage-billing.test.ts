// Rule under test: SPEC §2.7 usage billing — chargeable = max(0, units − free_threshold), amount =
// chargeable × price_per_unit rounded once half up (the docs' numbers: 2,500 calls, 1,000 free at "2" →
// 3000; 25 images, 10 free at "5" → 75; 250 units, 100 free at "50" → 7500); a period's usage is billed in
// arrears at the renewal that closes it, next to the fixed price; thresholds reset each period; a re-sent
// event_id is not counted twice; get_usage_history shows closed and current periods.
import { afterEach, describe, expect, test } from 'vitest';
import { meterCharge } from '../../../src/engine/usage/billing.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard } from '../../support/subscription-fixtures.js';
import { usagePlan } from '../../support/usage-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine?.close();
});

describe('meterCharge: the docs’ numbers', () => {
  test.each([
    [2500, 1000, '2', 1500, 3000],
    [25, 10, '5', 15, 75],
    [250, 100, '50', 150, 7500],
    [900, 1000, '2', 0, 0],
    [3, 0, '0.5', 3, 2],
    [2.5, 0, '0.3', 2.5, 1],
    [0.1 + 0.2, 0, '10', 0.30000000000000004, 3],
  ])('%s units, %s free at "%s" → %s chargeable, %s', (units, free, price, chargeable, amount) => {
    expect(meterCharge(units, free, price)).toEqual({ chargeable_units: chargeable, amount });
  });
});

function calls(customerId: string, prefix: string, n: number, at?: string) {
  return Array.from({ length: n }, (_, i) => ({
    event_id: `${prefix}-${i}`,
    customer_id: customerId,
    event_name: 'api.call',
    ...(at !== undefined && { timestamp: at }),
  }));
}

describe('SPEC §2.7 timeline: usage billed in arrears at renewal', () => {
  test('Apr: 2,500 calls + 25 images; May 1 renewal bills 1000 + 3000 + 75; May: 1,200 calls → Jun 1 bills 1000 + 400', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const { product, calls: callMeter, images } = await usagePlan(engine);
    const created = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: product.product_id,
      quantity: 1,
    });
    const id = created.subscription.subscription_id;

    await engine.testClock.advance({ to: '2025-04-10T00:00:00.000Z' });
    const cus = customer.customer_id;
    for (let b = 0; b < 3; b++) {
      expect(await engine.usage.ingest(calls(cus, `apr-${b}`, b < 2 ? 1000 : 500))).toEqual({
        ingested_count: b < 2 ? 1000 : 500,
        duplicate_count: 0,
      });
    }
    // A batch re-sent after a crash: the same ids are skipped, and only the new one counts.
    expect(
      await engine.usage.ingest([
        ...calls(cus, 'apr-2', 3),
        { event_id: 'img-a', customer_id: cus, event_name: 'image.generated', metadata: { count: 20 } },
      ]),
    ).toEqual({
      ingested_count: 1,
      duplicate_count: 3,
    });
    await engine.usage.ingest([{ event_id: 'img-b', customer_id: cus, event_name: 'image.generated', metadata: { count: 5 } }]);
    expect(await engine.usage.meterTotal(cus, callMeter.meter_id, '2025-04-01T00:00:00Z', '2025-05-01T00:00:00Z')).toBe(2500);
    expect(await engine.usage.meterTotal(cus, images.meter_id, '2025-04-01T00:00:00Z', '2025-05-01T00:00:00Z')).toBe(25);

    const current = await engine.usage.history(id);
    expect(current.periods).toEqual([expect.objectContaining({ start_date: '2025-04-01T00:00:00.000Z', is_current: true, total_amount: 3075 })]);

    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    const may = await engine.payments.list({ subscription_id: id });
    const renewal = may.items.find((p) => p.created_at === '2025-05-01T00:00:00.000Z');
    expect(renewal?.total_amount).toBe(4075);
    const lines = await engine.payments.lineItems(renewal?.payment_id ?? '');
    expect(lines.items.map((l) => [l.kind, l.item_id, l.amount])).toEqual([
      ['product', product.product_id, 1000],
      ['meter', callMeter.meter_id, 3000],
      ['meter', images.meter_id, 75],
    ]);
    expect(lines.items[1]?.name).toBe('API calls, 2025-04-01 to 2025-05-01: 2500 calls, 1000 free, 1500 × 2');

    // May: thresholds reset; 1,200 calls → 200 chargeable × 2 = 400; no images → 0.
    await engine.testClock.advance({ to: '2025-05-20T00:00:00.000Z' });
    await engine.usage.ingest(calls(cus, 'may-a', 1000));
    await engine.usage.ingest(calls(cus, 'may-b', 200));
    await engine.testClock.advance({ to: '2025-06-01T00:00:00.000Z' });
    const june = (await engine.payments.list({ subscription_id: id })).items.find((p) => p.created_at === '2025-06-01T00:00:00.000Z');
    expect(june?.total_amount).toBe(1400);

    const history = await engine.usage.history(id);
    expect(
      history.periods.map((p) => [p.start_date, p.is_current, p.total_amount, p.meters.map((m) => [m.consumed_units, m.chargeable_units, m.amount])]),
    ).toEqual([
      [
        '2025-04-01T00:00:00.000Z',
        false,
        3075,
        [
          [2500, 1500, 3000],
          [25, 15, 75],
        ],
      ],
      [
        '2025-05-01T00:00:00.000Z',
        false,
        400,
        [
          [1200, 200, 400],
          [0, 0, 0],
        ],
      ],
      [
        '2025-06-01T00:00:00.000Z',
        true,
        0,
        [
          [0, 0, 0],
          [0, 0, 0],
        ],
      ],
    ]);
    expect(history.periods[0]?.meters[0]).toMatchObject({ free_threshold: 1000, price_per_unit: '2', measurement_unit: 'calls' });
    const ranged = await engine.usage.history(id, { start_date: '2025-05-10T00:00:00Z', end_date: '2025-05-11T00:00:00Z' });
    expect(ranged.periods.map((p) => p.start_date)).toEqual(['2025-05-01T00:00:00.000Z']);
  });

  test('usage goes to the oldest active subscription with the meter (attribution)', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const { product } = await usagePlan(engine);
    const subscribe = async () =>
      (
        await engine.subscriptions.create({
          customer_id: customer.customer_id,
          payment_method_id: method.payment_method_id,
          product_id: product.product_id,
          quantity: 1,
        })
      ).subscription.subscription_id;
    const older = await subscribe();
    await engine.testClock.advance({ to: '2025-04-02T00:00:00.000Z' });
    const newer = await subscribe();
    await engine.usage.ingest(calls(customer.customer_id, 'x', 1000));
    await engine.usage.ingest(calls(customer.customer_id, 'y', 100));
    const o = await engine.usage.history(older);
    const n = await engine.usage.history(newer);
    expect(o.periods[0]?.meters[0]?.consumed_units).toBe(1100);
    expect(n.periods[0]?.meters).toEqual([]);
  });
});
