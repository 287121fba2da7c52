// Rule under test: the licenses tools (SPEC §2.10) over a real MCP client — structuredContent matches each output
// schema, engine codes come back as isError "CODE: message", and bad input to every tool is refused with
// isError while the license tables stay exactly as they were.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { LicenseKey } from '../../src/engine/licenses/types.js';
import { licensedApp, oneKey } from '../engine/licenses/fixtures.js';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';

let mcp: ConnectedClient;
let key: LicenseKey;
beforeEach(async () => {
  mcp = await connectClient();
  key = await oneKey(mcp.engine, await licensedApp(mcp.engine, { limit: 1 }));
});
afterEach(async () => {
  await mcp.close();
});

async function licenseTables() {
  const db = mcp.engine.ctx.db;
  return {
    keys: await db.selectFrom('license_keys').selectAll().orderBy('license_key_id').execute(),
    instances: await db.selectFrom('license_key_instances').selectAll().orderBy('license_key_instance_id').execute(),
  };
}

describe('happy path', () => {
  test('activate, validate, list, rename, deactivate', async () => {
    const instance = await mcp.ok<{ id: string }>('activate_license', { license_key: key.key, name: 'laptop' });
    expect(await mcp.ok('validate_license', { license_key: key.key, license_key_instance_id: instance.id })).toMatchObject({
      valid: true,
      license_key: { id: key.id, instances_count: 1 },
    });
    expect(await mcp.fail('activate_license', { license_key: key.key, name: 'desktop' })).toMatch(
      /^LICENSE_KEY_LIMIT_REACHED: .*Next: deactivate_license/,
    );
    expect((await mcp.ok<{ items: unknown[] }>('list_license_keys', { status: 'active' })).items).toHaveLength(1);
    expect((await mcp.ok<{ items: unknown[] }>('list_license_key_instances', { license_key_id: key.id })).items).toHaveLength(1);
    expect(await mcp.ok('update_license_key_instance', { license_key_instance_id: instance.id, name: 'work laptop' })).toMatchObject({
      name: 'work laptop',
    });
    expect(await mcp.ok('get_license_key_instance', { license_key_instance_id: instance.id })).toMatchObject({ name: 'work laptop' });
    expect(await mcp.ok('deactivate_license', { license_key: key.key, license_key_instance_id: instance.id })).toEqual({
      deactivated: true,
      license_key_instance_id: instance.id,
    });
    expect(await mcp.ok('get_license_key', { license_key_id: key.id })).toMatchObject({ instances_count: 0, status: 'active' });
    expect(await mcp.ok('update_license_key', { license_key_id: key.id, activations_limit: 5, disabled: true })).toMatchObject({
      activations_limit: 5,
      status: 'disabled',
    });
    expect(await mcp.ok('validate_license', { license_key: key.key })).toMatchObject({ valid: false, reason: 'disabled' });
  });

  test('an unknown key validates as valid:false, not an error (D10)', async () => {
    expect(await mcp.ok('validate_license', { license_key: 'NOPE' })).toEqual({ valid: false, reason: 'unknown' });
  });

  test('the advance_test_clock tool expires a 1-day key', async () => {
    const daily = await oneKey(
      mcp.engine,
      await licensedApp(mcp.engine, { name: 'Trial', duration: { count: 1, interval: 'Day' } }),
      'bob@example.com',
    );
    await mcp.ok('advance_test_clock', { to: '2025-04-02T00:00:00.000Z' });
    expect(await mcp.ok('validate_license', { license_key: daily.key })).toMatchObject({ valid: false, reason: 'expired' });
    expect(await mcp.fail('activate_license', { license_key: daily.key, name: 'pc' })).toMatch(/^INACTIVE_LICENSE_KEY: /);
  });
});

describe('bad input changes nothing', () => {
  const cases: Array<[string, Record<string, unknown> | (() => Record<string, unknown>), RegExp]> = [
    ['validate_license', {}, /^INVALID_REQUEST_BODY: /],
    ['validate_license', () => ({ license_key: key.key, extra: 1 }), /^INVALID_REQUEST_BODY: /],
    ['activate_license', () => ({ license_key: key.key }), /^INVALID_REQUEST_BODY: /],
    ['activate_license', () => ({ license_key: key.key, name: '' }), /^INVALID_REQUEST_BODY: /],
    ['activate_license', { license_key: 'NOPE', name: 'pc' }, /^LICENSE_KEY_NOT_FOUND: /],
    ['deactivate_license', () => ({ license_key: key.key }), /^INVALID_REQUEST_BODY: /],
    ['deactivate_license', () => ({ license_key: key.key, license_key_instance_id: 'lki_9999' }), /^LICENSE_KEY_NOT_FOUND: /],
    ['get_license_key', {}, /^INVALID_REQUEST_BODY: /],
    ['get_license_key', { license_key_id: 'lic_9999' }, /^NOT_FOUND: /],
    ['list_license_keys', { status: 'gone' }, /^INVALID_REQUEST_BODY: /],
    ['list_license_keys', { page_size: 0 }, /^INVALID_REQUEST_BODY: /],
    ['update_license_key', () => ({ license_key_id: key.id, activations_limit: -1 }), /^INVALID_REQUEST_BODY: /],
    ['update_license_key', () => ({ license_key_id: key.id, activations_limit: 1.5 }), /^INVALID_REQUEST_BODY: /],
    ['update_license_key', () => ({ license_key_id: key.id, expires_at: 'soon' }), /^INVALID_REQUEST_BODY: /],
    ['update_license_key', () => ({ license_key_id: key.id, disabled: 'yes' }), /^INVALID_REQUEST_BODY: /],
    ['update_license_key', { license_key_id: 'lic_9999', disabled: true }, /^NOT_FOUND: /],
    ['get_license_key_instance', { license_key_instance_id: 'lki_9999' }, /^NOT_FOUND: /],
    ['list_license_key_instances', { page_number: -1 }, /^INVALID_REQUEST_BODY: /],
    ['update_license_key_instance', { license_key_instance_id: 'lki_9999', name: 'x' }, /^NOT_FOUND: /],
    ['update_license_key_instance', { license_key_instance_id: 'lki_0001', name: '' }, /^INVALID_REQUEST_BODY: /],
  ];

  test.each(cases)('%s %j', async (tool, args, expected) => {
    await mcp.ok('activate_license', { license_key: key.key, name: 'laptop' });
    const before = await licenseTables();
    const text = await mcp.fail(tool, typeof args === 'function' ? args() : args);
    expect(text).toMatch(expected);
    expect(await licenseTables()).toEqual(before);
  });

  test('lowering the limit below the instances is ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT and writes nothing', async () => {
    await mcp.ok('update_license_key', { license_key_id: key.id, activations_limit: 3 });
    await mcp.ok('activate_license', { license_key: key.key, name: 'a' });
    await mcp.ok('activate_license', { license_key: key.key, name: 'b' });
    const before = await licenseTables();
    expect(await mcp.fail('update_license_key', { license_key_id: key.id, activations_limit: 1 })).toMatch(
      /^ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT: /,
    );
    expect(await licenseTables()).toEqual(before);
  });
});
