// Rule under test: SPEC §2.10 public license endpoints over HTTP — POST /licenses/validate, /activate and
// /deactivate answer as the Dodo API does (valid, the instance, 200 with an empty body; errors {code, message}
// with httpStatusOf's status) without the bearer token while /mcp still demands it, Host is still checked,
// bodies over 16 KB are 413, and a client over its per-minute limit gets 429 TOO_MANY_REQUESTS.
import { afterEach, describe, expect, test } from 'vitest';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { buildToolCatalog } from '../../src/tools/catalog.js';
import { selectTools, type ToolFilter } from '../../src/tools/select.js';
import { type RunningHttpServer, serveHttp } from '../../src/transports/http.js';
import { licensedApp, oneKey } from '../engine/licenses/fixtures.js';
import { rawRequest } from '../support/raw-http.js';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';

const TOKEN = 'secret-token';
let engine: TestEngine;
let server: RunningHttpServer;

async function start(licenseRateLimit = 1000, selection: { filter?: ToolFilter; readOnly?: boolean } = {}): Promise<void> {
  engine = await createTestEngine();
  server = await serveHttp({
    engine,
    catalog: buildToolCatalog(selection.filter ? selectTools(ALL_TOOLS, selection.filter) : ALL_TOOLS),
    readOnly: selection.readOnly,
    host: '127.0.0.1',
    port: 0,
    authToken: TOKEN,
    allowedHosts: [],
    allowedOrigins: [],
    licenseRateLimit,
    log: () => {},
  });
}

afterEach(async () => {
  await server.close();
  await engine.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('without a token', () => {
  test('activate → validate → deactivate round trip, Dodo shapes', async () => {
    await start();
    const key = await oneKey(engine, await licensedApp(engine, { limit: 1 }));

    const activated = await post('/licenses/activate', { license_key: key.key, name: 'laptop' });
    expect(activated.status).toBe(200);
    const instance = (await activated.json()) as { id: string };
    expect(instance).toMatchObject({
      id: 'lki_0001',
      license_key_id: key.id,
      name: 'laptop',
      product: { product_id: key.product_id, name: 'Desktop App' },
      customer: { customer_id: key.customer_id, email: 'ann@example.com' },
    });

    const valid = await post('/licenses/validate', { license_key: key.key, license_key_instance_id: instance.id });
    expect([valid.status, await valid.json()]).toEqual([200, { valid: true }]);

    const full = await post('/licenses/activate', { license_key: key.key, name: 'desktop' });
    expect([full.status, ((await full.json()) as { code: string }).code]).toEqual([422, 'LICENSE_KEY_LIMIT_REACHED']);

    const gone = await post('/licenses/deactivate', { license_key: key.key, license_key_instance_id: instance.id });
    expect([gone.status, await gone.text()]).toEqual([200, '']);
    expect((await engine.licenses.get(key.id)).instances_count).toBe(0);

    const again = await post('/licenses/deactivate', { license_key: key.key, license_key_instance_id: instance.id });
    expect([again.status, ((await again.json()) as { code: string }).code]).toEqual([404, 'LICENSE_KEY_NOT_FOUND']);
  });

  test('unknown key: validate is 200 {valid:false}; activate is 404 LICENSE_KEY_NOT_FOUND', async () => {
    await start();
    const validate = await post('/licenses/validate', { license_key: 'NOT-A-KEY' });
    expect([validate.status, await validate.json()]).toEqual([200, { valid: false }]);
    const activate = await post('/licenses/activate', { license_key: 'NOT-A-KEY', name: 'pc' });
    expect(activate.status).toBe(404);
    expect(await activate.json()).toEqual({ code: 'LICENSE_KEY_NOT_FOUND', message: expect.any(String) });
  });

  // shared/text.ts: PostgreSQL cannot hold U+0000 in text, so both paths refuse it on both databases alike.
  test('a NUL character in a field is 400 INVALID_REQUEST_BODY on both paths; no instance is made', async () => {
    await start();
    const key = await oneKey(engine, await licensedApp(engine));
    for (const headers of [{}, { origin: server.url }] as Record<string, string>[]) {
      const validate = await post('/licenses/validate', { license_key: `${key.key}\u0000` }, headers);
      expect([validate.status, await validate.json()]).toEqual([
        400,
        {
          code: 'INVALID_REQUEST_BODY',
          message: 'license_key holds the NUL character (U+0000), which no billing text may contain; nothing was changed',
        },
      ]);
      const activate = await post('/licenses/activate', { license_key: key.key, name: 'pc\u0000' }, headers);
      expect([activate.status, ((await activate.json()) as { message: string }).message]).toEqual([
        400,
        expect.stringMatching(/^name holds the NUL/),
      ]);
    }
    expect((await engine.licenses.get(key.id)).instances_count).toBe(0);
  });

  test('a disabled key: validate false, activate 403 INACTIVE_LICENSE_KEY', async () => {
    await start();
    const key = await oneKey(engine, await licensedApp(engine));
    await engine.licenses.update(key.id, { disabled: true });
    expect(await (await post('/licenses/validate', { license_key: key.key })).json()).toEqual({ valid: false });
    const activate = await post('/licenses/activate', { license_key: key.key, name: 'pc' });
    expect([activate.status, ((await activate.json()) as { code: string }).code]).toEqual([403, 'INACTIVE_LICENSE_KEY']);
  });

  test.each([
    ['/licenses/validate', {}],
    ['/licenses/validate', { license_key: 42 }],
    ['/licenses/activate', { license_key: 'X' }],
    ['/licenses/activate', { license_key: 'X', name: '' }],
    ['/licenses/deactivate', { license_key: 'X' }],
    ['/licenses/validate', '{not json'],
    ['/licenses/validate', '[]'],
  ])('bad body to %s (%j) → 400 INVALID_REQUEST_BODY', async (path, body) => {
    await start();
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('INVALID_REQUEST_BODY');
  });

  test('a body over 16 KB is 413 and nothing is read', async () => {
    await start();
    const response = await post('/licenses/validate', { license_key: 'X', padding: 'x'.repeat(17 * 1024) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('INVALID_REQUEST_BODY');
  });

  test('/mcp still demands the token; /licenses does not need it, and a wrong Host is refused there too', async () => {
    await start();
    const mcp = await post('/mcp', { jsonrpc: '2.0', id: 1, method: 'ping' }, { accept: 'application/json, text/event-stream' });
    expect(mcp.status).toBe(401);
    expect((await post('/licenses/validate', { license_key: 'X' })).status).toBe(200);
    const withToken = await post('/licenses/validate', { license_key: 'X' }, { authorization: `Bearer ${TOKEN}` });
    expect(withToken.status).toBe(200);
    const rebinding = await rawRequest(`${server.url}/licenses/validate`, {
      method: 'POST',
      headers: { host: 'evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ license_key: 'X' }),
    });
    expect(rebinding.status).toBe(403);
  });
});

describe('browsers (an Origin header) take the express path, with the same answers and Origin checks', () => {
  test('own origin: same answers; a foreign origin: 403; an oversized body: 413', async () => {
    await start();
    const key = await oneKey(engine, await licensedApp(engine));
    const own = { origin: server.url };
    expect(await (await post('/licenses/validate', { license_key: key.key }, own)).json()).toEqual({ valid: true });
    expect(await (await post('/licenses/validate', { license_key: 'NOPE' }, own)).json()).toEqual({ valid: false });
    const activated = await post('/licenses/activate', { license_key: key.key, name: 'browser' }, own);
    const instance = (await activated.json()) as { id: string };
    expect(activated.status).toBe(200);
    const gone = await post('/licenses/deactivate', { license_key: key.key, license_key_instance_id: instance.id }, own);
    expect([gone.status, await gone.text()]).toEqual([200, '']);
    const bad = await post('/licenses/activate', { license_key: key.key }, own);
    expect([bad.status, ((await bad.json()) as { code: string }).code]).toEqual([400, 'INVALID_REQUEST_BODY']);
    expect((await post('/licenses/validate', { license_key: 'X', padding: 'x'.repeat(17 * 1024) }, own)).status).toBe(413);
    expect((await post('/licenses/validate', { license_key: key.key }, { origin: 'https://evil.example' })).status).toBe(403);
  });

  test('one rate-limit window for both paths: 2 plain + 1 browser request, then 429 on either', async () => {
    await start(3);
    await post('/licenses/validate', { license_key: 'X' });
    await post('/licenses/validate', { license_key: 'X' });
    expect((await post('/licenses/validate', { license_key: 'X' }, { origin: server.url })).status).toBe(200);
    expect((await post('/licenses/validate', { license_key: 'X' }, { origin: server.url })).status).toBe(429);
    expect((await post('/licenses/validate', { license_key: 'X' })).status).toBe(429);
  });
});

describe('rate limit', () => {
  test('limit 3 a minute: the 4th request from the same address is 429 TOO_MANY_REQUESTS', async () => {
    await start(3);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('/licenses/validate', { license_key: 'X' })).status);
    const limited = await post('/licenses/validate', { license_key: 'X' });
    expect(statuses).toEqual([200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { code: string }).code).toBe('TOO_MANY_REQUESTS');
    // The MCP endpoint has its own rules: not counted against the license limit.
    expect((await post('/mcp', {}, { authorization: `Bearer ${TOKEN}` })).status).not.toBe(429);
  });
});

// Issue 13: the public endpoints obey the server's selection, on both paths (apps without Origin take the
// fast path, browsers with an allowed Origin the express one), and a refused call changes nothing.
describe('endpoints follow the tool selection', () => {
  const noFilter: ToolFilter = { operations: [], resources: [], excludeResources: [], tools: [], excludeTools: [] };
  const viaBoth = async (path: string, body: unknown) => [await post(path, body), await post(path, body, { origin: server.url })];

  test('--no-resource licenses: all three are 404 NOT_FOUND naming the tool; no activation is made', async () => {
    await start(1000, { filter: { ...noFilter, excludeResources: ['licenses'] } });
    const key = await oneKey(engine, await licensedApp(engine, { limit: 1 }));
    for (const response of await viaBoth('/licenses/activate', { license_key: key.key, name: 'laptop' })) {
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        code: 'NOT_FOUND',
        message:
          'POST /licenses/activate is not served: this server was started without the activate_license tool; start it with that tool selected (see --tool, --resource, --operation)',
      });
    }
    expect((await post('/licenses/validate', { license_key: key.key })).status).toBe(404);
    expect((await engine.licenses.get(key.id)).instances_count).toBe(0);
  });

  test('--operation read: validate answers, activate and deactivate are 404', async () => {
    await start(1000, { filter: { ...noFilter, operations: ['read'] } });
    const key = await oneKey(engine, await licensedApp(engine, { limit: 1 }));
    expect([(await post('/licenses/validate', { license_key: key.key })).status]).toEqual([200]);
    for (const response of await viaBoth('/licenses/activate', { license_key: key.key, name: 'laptop' })) expect(response.status).toBe(404);
    expect((await engine.licenses.get(key.id)).instances_count).toBe(0);
  });

  test('--read-only: activate and deactivate are 403 FORBIDDEN with the next step, never 500', async () => {
    await start(1000, { filter: { ...noFilter, operations: ['read'] }, readOnly: true });
    const key = await oneKey(engine, await licensedApp(engine, { limit: 1 }));
    for (const response of [
      ...(await viaBoth('/licenses/activate', { license_key: key.key, name: 'laptop' })),
      ...(await viaBoth('/licenses/deactivate', { license_key: key.key, license_key_instance_id: 'lki_1' })),
    ]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/^this server runs --read-only, .*send it to a server started without --read-only$/),
      });
    }
    expect(await (await post('/licenses/validate', { license_key: key.key })).json()).toEqual({ valid: true });
  });
});
