// Rule under test: SPEC §2.10 activate, deactivate, validate and update — activations up to the limit then
// LICENSE_KEY_LIMIT_REACHED, deactivate frees a slot, a limit below the instance count is refused, disabled
// and expired keys (test clock) neither validate nor activate, and an unknown key validates as valid:false (D10).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BillingError } from '../../../src/engine/errors.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';
import { licensedApp, oneKey } from './fixtures.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof BillingError)) throw new Error(`expected a BillingError, got ${String(error)}`);
  return error.code;
}

describe('activation limit', () => {
  test('limit 2: two activations succeed, the third is LICENSE_KEY_LIMIT_REACHED and writes nothing', async () => {
    const key = await oneKey(engine, await licensedApp(engine, { limit: 2 }));
    const laptop = await engine.licenses.activate({ license_key: key.key, name: 'laptop' });
    expect(laptop).toMatchObject({
      id: 'lki_0001',
      license_key_id: key.id,
      name: 'laptop',
      product: { product_id: key.product_id, name: 'Desktop App' },
      customer: { customer_id: key.customer_id, email: 'ann@example.com', name: 'Ann' },
    });
    await engine.licenses.activate({ license_key: key.key, name: 'desktop' });
    expect(await codeOf(engine.licenses.activate({ license_key: key.key, name: 'tablet' }))).toBe('LICENSE_KEY_LIMIT_REACHED');
    expect((await engine.licenses.get(key.id)).instances_count).toBe(2);
    expect((await engine.licenses.listInstances({ license_key_id: key.id })).items.map((i) => i.name)).toEqual(['laptop', 'desktop']);
  });

  test('deactivate frees a slot: the third activation then succeeds', async () => {
    const key = await oneKey(engine, await licensedApp(engine, { limit: 2 }));
    const first = await engine.licenses.activate({ license_key: key.key, name: 'laptop' });
    await engine.licenses.activate({ license_key: key.key, name: 'desktop' });
    await engine.licenses.deactivate({ license_key: key.key, license_key_instance_id: first.id });
    expect((await engine.licenses.get(key.id)).instances_count).toBe(1);
    expect(await engine.licenses.validate({ license_key: key.key, license_key_instance_id: first.id })).toMatchObject({
      valid: false,
      reason: 'instance_not_found',
    });
    await engine.licenses.activate({ license_key: key.key, name: 'tablet' });
    expect((await engine.licenses.get(key.id)).instances_count).toBe(2);
  });

  test('deactivating an instance of another key is LICENSE_KEY_NOT_FOUND; unknown key too', async () => {
    const app = await licensedApp(engine);
    const mine = await oneKey(engine, app);
    const theirs = await oneKey(engine, app, 'bob@example.com');
    const instance = await engine.licenses.activate({ license_key: theirs.key, name: 'bob-pc' });
    expect(await codeOf(engine.licenses.deactivate({ license_key: mine.key, license_key_instance_id: instance.id }))).toBe('LICENSE_KEY_NOT_FOUND');
    expect(await codeOf(engine.licenses.deactivate({ license_key: 'NOPE', license_key_instance_id: instance.id }))).toBe('LICENSE_KEY_NOT_FOUND');
    expect((await engine.licenses.get(theirs.id)).instances_count).toBe(1);
  });

  test('null limit = unlimited: 10 activations', async () => {
    const key = await oneKey(engine, await licensedApp(engine, { limit: null }));
    for (let i = 0; i < 10; i++) await engine.licenses.activate({ license_key: key.key, name: `pc-${i}` });
    expect((await engine.licenses.get(key.id)).instances_count).toBe(10);
  });

  test('limit 0: no activation at all', async () => {
    const key = await oneKey(engine, await licensedApp(engine, { limit: 0 }));
    expect(await codeOf(engine.licenses.activate({ license_key: key.key, name: 'pc' }))).toBe('LICENSE_KEY_LIMIT_REACHED');
  });

  test('unknown key: activate is LICENSE_KEY_NOT_FOUND', async () => {
    expect(await codeOf(engine.licenses.activate({ license_key: 'AAAAA-BBBBB', name: 'pc' }))).toBe('LICENSE_KEY_NOT_FOUND');
  });
});

describe('update', () => {
  test('lowering the limit below the instance count is ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT; to it or null is fine', async () => {
    const key = await oneKey(engine, await licensedApp(engine, { limit: 5 }));
    for (const name of ['a', 'b', 'c']) await engine.licenses.activate({ license_key: key.key, name });
    expect(await codeOf(engine.licenses.update(key.id, { activations_limit: 2 }))).toBe('ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT');
    expect((await engine.licenses.get(key.id)).activations_limit).toBe(5);
    expect((await engine.licenses.update(key.id, { activations_limit: 3 })).activations_limit).toBe(3);
    expect(await codeOf(engine.licenses.activate({ license_key: key.key, name: 'd' }))).toBe('LICENSE_KEY_LIMIT_REACHED');
    expect((await engine.licenses.update(key.id, { activations_limit: null })).activations_limit).toBeNull();
    await engine.licenses.activate({ license_key: key.key, name: 'd' });
  });

  test('disabled: validates false (disabled), activation INACTIVE_LICENSE_KEY; re-enabled it works again', async () => {
    const key = await oneKey(engine, await licensedApp(engine));
    expect((await engine.licenses.update(key.id, { disabled: true })).status).toBe('disabled');
    expect(await engine.licenses.validate({ license_key: key.key })).toMatchObject({ valid: false, reason: 'disabled' });
    expect(await codeOf(engine.licenses.activate({ license_key: key.key, name: 'pc' }))).toBe('INACTIVE_LICENSE_KEY');
    expect((await engine.licenses.update(key.id, { disabled: false })).status).toBe('active');
    expect((await engine.licenses.validate({ license_key: key.key })).valid).toBe(true);
  });

  test('expires_at moved into the past expires the key; null makes it perpetual', async () => {
    const key = await oneKey(engine, await licensedApp(engine));
    expect((await engine.licenses.update(key.id, { expires_at: '2025-03-01T00:00:00Z' })).status).toBe('expired');
    expect(await engine.licenses.validate({ license_key: key.key })).toMatchObject({ valid: false, reason: 'expired' });
    const perpetual = await engine.licenses.update(key.id, { expires_at: null });
    expect(perpetual).toMatchObject({ status: 'active', expires_at: null });
    expect(await codeOf(engine.licenses.update(key.id, { expires_at: 'next tuesday' }))).toBe('INVALID_REQUEST_BODY');
  });

  test('unknown id is NOT_FOUND', async () => {
    expect(await codeOf(engine.licenses.update('lic_9999', { disabled: true }))).toBe('NOT_FOUND');
  });
});

describe('expiry on the test clock', () => {
  test('1-month key bought Apr 1: valid Apr 30, expired May 1 00:00 (lazy, nothing written); activation refused', async () => {
    const key = await oneKey(engine, await licensedApp(engine, { duration: { count: 1, interval: 'Month' } }));
    expect(key.expires_at).toBe('2025-05-01T00:00:00.000Z');
    const instance = await engine.licenses.activate({ license_key: key.key, name: 'pc' });
    engine.clock.set('2025-04-30T23:59:59.999Z');
    expect((await engine.licenses.validate({ license_key: key.key, license_key_instance_id: instance.id })).valid).toBe(true);
    await engine.testClock.advance({ to: '2025-05-01T00:00:00.000Z' });
    expect(await engine.licenses.validate({ license_key: key.key, license_key_instance_id: instance.id })).toMatchObject({
      valid: false,
      reason: 'expired',
      license_key: { status: 'expired' },
    });
    expect(await codeOf(engine.licenses.activate({ license_key: key.key, name: 'pc2' }))).toBe('INACTIVE_LICENSE_KEY');
    // Deactivation stays allowed on an expired key (SPEC §2.10 PROPOSED).
    await engine.licenses.deactivate({ license_key: key.key, license_key_instance_id: instance.id });
  });
});

describe('validate', () => {
  test('an unknown key is valid:false with reason unknown, never an error (D10)', async () => {
    expect(await engine.licenses.validate({ license_key: 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ' })).toEqual({ valid: false, reason: 'unknown' });
    expect(await engine.licenses.validate({ license_key: '' })).toEqual({ valid: false, reason: 'unknown' });
  });

  test('a good key with and without its instance; an unknown instance is instance_not_found', async () => {
    const key = await oneKey(engine, await licensedApp(engine));
    const instance = await engine.licenses.activate({ license_key: key.key, name: 'pc' });
    expect(await engine.licenses.validate({ license_key: key.key })).toMatchObject({ valid: true, license_key: { id: key.id, instances_count: 1 } });
    expect((await engine.licenses.validate({ license_key: key.key, license_key_instance_id: instance.id })).valid).toBe(true);
    expect(await engine.licenses.validate({ license_key: key.key, license_key_instance_id: 'lki_9999' })).toMatchObject({
      valid: false,
      reason: 'instance_not_found',
    });
  });

  test('the key reads back however it is typed: lower case, spaces, no dashes, O for 0 and I/L for 1', async () => {
    const key = await oneKey(engine, await licensedApp(engine));
    expect(key.key).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){5}$/);
    const typed = key.key.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect((await engine.licenses.validate({ license_key: `  ${typed} ` })).valid).toBe(true);
    expect((await engine.licenses.validate({ license_key: key.key.replace(/-/g, '') })).valid).toBe(true);
  });
});

describe('instances', () => {
  test('get, list by key, rename', async () => {
    const key = await oneKey(engine, await licensedApp(engine));
    const instance = await engine.licenses.activate({ license_key: key.key, name: 'laptop' });
    expect(await engine.licenses.getInstance(instance.id)).toEqual({
      id: instance.id,
      license_key_id: key.id,
      name: 'laptop',
      business_id: engine.ctx.businessId,
      created_at: '2025-04-01T00:00:00.000Z',
    });
    expect((await engine.licenses.updateInstance(instance.id, { name: 'work laptop' })).name).toBe('work laptop');
    expect((await engine.licenses.listInstances({ license_key_id: key.id })).items).toHaveLength(1);
    expect(await codeOf(engine.licenses.getInstance('lki_9999'))).toBe('NOT_FOUND');
    expect(await codeOf(engine.licenses.updateInstance(instance.id, { name: '  ' }))).toBe('INVALID_REQUEST_BODY');
  });
});
