import type { Engine } from '../../src/engine/index.js';

export interface UsagePlanOptions {
  /** A fixed term: the subscription expires after `count` months. */
  term?: { count: number; interval: 'Month' } | undefined;
}

/**
 * The docs' API plan: 1000 a month, plus API calls (count of api.call, 1,000 free at "2" = $0.02) and
 * images (sum of metadata.count on image.generated, 10 free at "5" = $0.05).
 */
export async function usagePlan(engine: Engine, options: UsagePlanOptions = {}) {
  const calls = await engine.meters.create({ name: 'API calls', event_name: 'api.call', measurement_unit: 'calls', aggregation: { type: 'count' } });
  const images = await engine.meters.create({
    name: 'Images',
    event_name: 'image.generated',
    measurement_unit: 'images',
    aggregation: { type: 'sum', key: 'count' },
  });
  const product = await engine.products.create({
    name: 'API plan',
    tax_category: 'saas',
    price: {
      type: 'usage_based_price',
      currency: 'USD',
      fixed_price: 1000,
      payment_frequency_count: 1,
      payment_frequency_interval: 'Month',
      ...(options.term && { subscription_period_count: options.term.count, subscription_period_interval: options.term.interval }),
      meters: [
        { meter_id: calls.meter_id, price_per_unit: '2', free_threshold: 1000 },
        { meter_id: images.meter_id, price_per_unit: '5', free_threshold: 10 },
      ],
    },
  });
  return { calls, images, product };
}
