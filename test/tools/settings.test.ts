// Rule under test: business settings (SPEC §1.6, seed 000) — allow_multiple_subscriptions defaults to
// true, allow_subscription_updates to false, the default tax rate is basis points 0–10000; updates are PATCH.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';
import { TEST_START } from '../support/test-engine.js';

let c: ConnectedClient;
beforeEach(async () => {
  c = await connectClient();
});
afterEach(async () => {
  await c.close();
});

const defaults = {
  business_id: 'bus_0001',
  allow_multiple_subscriptions: true,
  allow_subscription_updates: false,
  default_tax_rate_bps: 0,
  // SPEC D18: what a collection's null plan-change fields inherit.
  proration_billing_mode_on_upgrade: 'prorated_immediately',
  proration_billing_mode_on_downgrade: 'prorated_immediately',
  effective_at_on_upgrade: 'immediately',
  effective_at_on_downgrade: 'next_billing_date',
  on_payment_failure: 'apply_change',
  updated_at: TEST_START,
};

describe('business settings', () => {
  test('a new business has the documented defaults', async () => {
    expect(await c.ok('get_business_settings')).toEqual(defaults);
  });

  test('update_business_settings changes only the given settings and returns them all', async () => {
    c.engine.clock.advance(60_000);
    const updated = await c.ok('update_business_settings', { allow_subscription_updates: true, default_tax_rate_bps: 1800 });
    const expected = { ...defaults, allow_subscription_updates: true, default_tax_rate_bps: 1800, updated_at: '2025-04-01T00:01:00.000Z' };
    expect(updated).toEqual(expected);
    expect(await c.ok('get_business_settings')).toEqual(expected);
    expect(await c.ok('update_business_settings', { allow_multiple_subscriptions: false })).toMatchObject({
      allow_multiple_subscriptions: false,
      allow_subscription_updates: true,
      default_tax_rate_bps: 1800,
    });
  });

  test.each([
    [10_001, 'Too big: expected number to be <=10000'],
    [-1, 'Too small: expected number to be >=0'],
    [18.5, 'Invalid input: expected int, received number'],
  ])('default_tax_rate_bps %j is refused and nothing changes', async (rate, problem) => {
    expect(await c.fail('update_business_settings', { default_tax_rate_bps: rate, allow_subscription_updates: true })).toBe(
      `INVALID_REQUEST_BODY: invalid arguments for update_business_settings: default_tax_rate_bps: ${problem}. ` +
        'Next: fix those fields and call update_business_settings again; its input schema lists every field',
    );
    expect(await c.ok('get_business_settings')).toEqual(defaults);
  });

  test('the plan-change defaults: changed alone, and an unknown value is refused naming the allowed ones', async () => {
    expect(await c.ok('update_business_settings', { effective_at_on_downgrade: 'immediately', on_payment_failure: 'prevent_change' })).toMatchObject({
      effective_at_on_downgrade: 'immediately',
      on_payment_failure: 'prevent_change',
      effective_at_on_upgrade: 'immediately',
    });
    await expect(c.engine.settings.update({ proration_billing_mode_on_upgrade: 'sometimes' as never })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
      message:
        'proration_billing_mode_on_upgrade must be one of prorated_immediately, difference_immediately, full_immediately, do_not_bill, got "sometimes"',
    });
    expect(await c.ok('get_business_settings')).toMatchObject({ proration_billing_mode_on_upgrade: 'prorated_immediately' });
  });
});
