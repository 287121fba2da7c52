// Rule under test: usage/repo.ts customerSubscriptionMeters — the customer's subscriptions, oldest first,
// each with the meters among those asked about that its product has: one row per such meter, or one row
// with null when its product has none of them (a usage plan with calls + images asked about [calls] gives
// calls only; a plan of images alone gives null), whatever other meters the products have.
import { afterEach, describe, expect, test } from 'vitest';
import { customerSubscriptionMeters } from '../../../src/engine/usage/repo.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { customerWithCard, plan } from '../../support/subscription-fixtures.js';
import { usagePlan } from '../../support/usage-fixtures.js';

let engine: TestEngine;
afterEach(async () => {
  await engine?.close();
});

describe('customerSubscriptionMeters', () => {
  test('per subscription, oldest first: the asked meters its product has, else one row with null', async () => {
    engine = await createTestEngine('2025-04-01T00:00:00.000Z');
    const { customer, method } = await customerWithCard(engine);
    const { calls, images, product: both } = await usagePlan(engine);
    const imagesOnly = await engine.products.create({
      name: 'Images plan',
      tax_category: 'saas',
      price: {
        type: 'usage_based_price',
        currency: 'USD',
        fixed_price: 500,
        payment_frequency_count: 1,
        payment_frequency_interval: 'Month',
        meters: [{ meter_id: images.meter_id, price_per_unit: '5', free_threshold: 10 }],
      },
    });
    const recurring = await plan(engine);
    const ids: string[] = [];
    for (const product of [both, imagesOnly, recurring]) {
      const created = await engine.subscriptions.create({
        customer_id: customer.customer_id,
        payment_method_id: method.payment_method_id,
        product_id: product.product_id,
        quantity: 1,
      });
      ids.push(created.subscription.subscription_id);
      engine.clock.advance(86_400_000);
    }
    const [s1, s2, s3] = ids;
    const asked = (meterIds: string[]) => customerSubscriptionMeters(engine.ctx.db, engine.ctx.businessId, customer.customer_id, meterIds);

    expect(await asked([calls.meter_id])).toEqual([
      { subscription_id: s1, status: 'active', meter_id: calls.meter_id },
      { subscription_id: s2, status: 'active', meter_id: null },
      { subscription_id: s3, status: 'active', meter_id: null },
    ]);
    const sorted = (rows: Awaited<ReturnType<typeof asked>>) => rows.map((r) => `${r.subscription_id}:${r.meter_id ?? '-'}`).sort();
    expect(sorted(await asked([images.meter_id, calls.meter_id]))).toEqual(
      [`${s1}:${calls.meter_id}`, `${s1}:${images.meter_id}`, `${s2}:${images.meter_id}`, `${s3}:-`].sort(),
    );
    expect(await asked(['mtr_missing'])).toEqual(ids.map((id) => ({ subscription_id: id, status: 'active', meter_id: null })));
    expect(await asked([])).toEqual([]);
    const other = await engine.customers.create({ email: 'bob@example.com', name: 'Bob' });
    expect(await customerSubscriptionMeters(engine.ctx.db, engine.ctx.businessId, other.customer_id, [calls.meter_id])).toEqual([]);
  });
});
