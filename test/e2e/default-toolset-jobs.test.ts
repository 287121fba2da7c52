// Rule under test: the default toolset does the main jobs end to end (issue 14). An assistant-style run
// against the built CLI started with no flags (as Claude Desktop and Cursor start it) uses only the tools it
// was sent: builds a catalog and a collection, lists the collection's products, opens and completes a
// checkout, previews and changes the plan, meters usage through a renewal, validates and activates a
// license, and moves the test clock. A call to a tool outside the list fails the test.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../support/cli-process.js';
import { callOk, stdioClient } from '../support/e2e-clients.js';

const CARD = { number: '4242424242424242', exp_month: 6, exp_year: 2032, cvc: '123' };

let dir: Awaited<ReturnType<typeof tempDir>>;
let client: Client;
let sent: string[];
const used = new Set<string>();

/** A call an assistant could make: the tool must be one the client was sent. */
async function call<T = Record<string, unknown>>(name: string, args: Record<string, unknown> = {}): Promise<T> {
  expect(sent, `${name} is not in the default toolset`).toContain(name);
  used.add(name);
  return callOk<T>(client, name, args);
}

const recurring = (name: string, price: number) => ({
  name,
  tax_category: 'saas',
  price: { type: 'recurring_price', currency: 'USD', price, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
});

beforeAll(async () => {
  dir = await tempDir();
  client = await stdioClient([], { XDG_DATA_HOME: dir.path, BILLING_MCP_DB: `${dir.path}/billing.db` });
  sent = (await client.listTools()).tools.map((tool) => tool.name);
}, 60_000);
afterAll(async () => {
  await client?.close();
  await dir?.remove();
});

describe('the main jobs with the default tools only', () => {
  let customerId = '';
  let subscriptionId = '';
  let basicId = '';
  let proId = '';

  test('catalog and collection: two plans grouped, listed in checkout order', async () => {
    expect(sent.length).toBeLessThanOrEqual(40);
    basicId = (await call<{ product_id: string }>('create_product', recurring('Basic', 1000))).product_id;
    proId = (await call<{ product_id: string }>('create_product', recurring('Pro', 3000))).product_id;
    const collection = await call<{ collection_id: string }>('create_product_collection', {
      name: 'Plans',
      groups: [{ group_name: 'Monthly', products: [{ product_id: basicId }, { product_id: proId }] }],
    });
    const listed = await call<{ items: { product_id: string }[] }>('list_collection_products', { collection_id: collection.collection_id });
    expect(listed.items.map((item) => item.product_id)).toEqual([basicId, proId]);
    expect((await call<{ items: unknown[] }>('list_products')).items).toHaveLength(2);
  });

  test('checkout: a customer buys Basic with a test card and is subscribed', async () => {
    customerId = (await call<{ customer_id: string }>('create_customer', { email: 'ada@example.com', name: 'Ada' })).customer_id;
    const session = await call<{ session_id: string }>('create_checkout_session', {
      product_cart: [{ product_id: basicId, quantity: 1 }],
      customer: { customer_id: customerId },
    });
    const done = await call<{ status: string; subscription_id: string; payment: { payment_id: string; total_amount: number } }>(
      'complete_checkout_session',
      {
        session_id: session.session_id,
        card: CARD,
      },
    );
    expect(done).toMatchObject({ status: 'completed', payment: { total_amount: 1000 } });
    subscriptionId = done.subscription_id;
    expect(await call('get_payment', { payment_id: done.payment.payment_id })).toMatchObject({ status: 'succeeded' });
  });

  test('plan change: options, a preview whose lines explain it, and the change it previewed', async () => {
    await call('advance_test_clock', { by: { days: 10 } });
    const options = await call<{ items: { product_id: string; allowed: boolean }[] }>('list_plan_change_options', {
      subscription_id: subscriptionId,
    });
    expect(options.items).toEqual([expect.objectContaining({ product_id: proId, allowed: true })]);
    const args = { subscription_id: subscriptionId, product_id: proId, quantity: 1, proration_billing_mode: 'prorated_immediately' };
    const preview = await call<{ immediate_charge: { line_items: { amount: number }[]; summary: { total_amount: number } } }>(
      'preview_subscription_plan_change',
      args,
    );
    const lines = preview.immediate_charge.line_items;
    expect(lines.map((line) => Math.sign(line.amount))).toEqual([1, -1]);
    expect(lines.reduce((sum, line) => sum + line.amount, 0)).toBe(preview.immediate_charge.summary.total_amount);
    const changed = await call<{ status: string; amount_charged: number }>('change_subscription_plan', args);
    expect(changed).toMatchObject({ status: 'applied', amount_charged: preview.immediate_charge.summary.total_amount });
    expect(await call('get_subscription', { subscription_id: subscriptionId })).toMatchObject({ product_id: proId });
  });

  test('usage: a meter, a usage-based plan, events, and the renewal that bills them', async () => {
    const meter = await call<{ meter_id: string }>('create_meter', {
      name: 'API calls',
      event_name: 'api.call',
      measurement_unit: 'calls',
      aggregation: { type: 'count' },
    });
    const metered = await call<{ product_id: string }>('create_product', {
      name: 'Metered',
      tax_category: 'saas',
      price: {
        type: 'usage_based_price',
        currency: 'USD',
        fixed_price: 0,
        payment_frequency_count: 1,
        payment_frequency_interval: 'Month',
        meters: [{ meter_id: meter.meter_id, price_per_unit: '2' }],
      },
    });
    const session = await call<{ session_id: string }>('create_checkout_session', {
      product_cart: [{ product_id: metered.product_id, quantity: 1 }],
      customer: { customer_id: customerId },
    });
    const done = await call<{ subscription_id: string }>('complete_checkout_session', { session_id: session.session_id, card: CARD });
    const events = Array.from({ length: 5 }, (_, i) => ({ event_id: `evt-${i}`, customer_id: customerId, event_name: 'api.call' }));
    expect(await call('ingest_usage_events', { events })).toMatchObject({ ingested_count: 5 });
    await call('advance_test_clock', { by: { days: 32 } });
    const history = await call<{ periods: { meters: { consumed_units: number; amount: number }[] }[] }>('get_usage_history', {
      subscription_id: done.subscription_id,
    });
    expect(history.periods.flatMap((period) => period.meters)).toContainEqual(expect.objectContaining({ consumed_units: 5, amount: 10 }));
  });

  test('licenses: a licensed product bought, its key validated and activated', async () => {
    const app = await call<{ product_id: string }>('create_product', {
      name: 'Desktop app',
      tax_category: 'digital_products',
      price: { type: 'one_time_price', currency: 'USD', price: 4900 },
      license_key_enabled: true,
      license_key_activations_limit: 2,
    });
    const session = await call<{ session_id: string }>('create_checkout_session', {
      product_cart: [{ product_id: app.product_id, quantity: 1 }],
      customer: { customer_id: customerId },
    });
    await call('complete_checkout_session', { session_id: session.session_id, card: CARD });
    const keys = await call<{ items: { key: string }[] }>('list_license_keys', { customer_id: customerId });
    const key = keys.items[0]?.key ?? '';
    expect(await call('validate_license', { license_key: key })).toMatchObject({ valid: true });
    expect(await call('activate_license', { license_key: key, name: 'laptop' })).toMatchObject({ name: 'laptop' });
  });

  test('time: the clock moved for every job, and every main job used only tools the client was sent', async () => {
    const clock = await call<{ now: string; offset_ms: number }>('get_test_clock');
    expect(clock.offset_ms).toBeGreaterThanOrEqual(42 * 86_400_000 - 60_000);
    for (const job of [
      'create_product_collection',
      'complete_checkout_session',
      'change_subscription_plan',
      'ingest_usage_events',
      'activate_license',
      'advance_test_clock',
    ]) {
      expect(used, job).toContain(job);
    }
  });
});
