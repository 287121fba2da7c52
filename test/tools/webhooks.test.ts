// Rule under test: the twelve webhook tools (SPEC §1.17, §4) over a real MCP client — structuredContent of
// each matches its output schema (the client validates it) and the engine's result; secrets appear only
// in get_webhook_secret and rotate_webhook_secret; engine refusals come back as isError with the exact
// "CODE: message. Next: …" text; bad input to every tool is isError with the webhook tables (endpoints,
// messages, attempts, outbox cursor) exactly as they were and nothing sent.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { WebhookDelivery, WebhookDeliverySummary, WebhookEndpoint, WebhookSecret } from '../../src/engine/webhooks/types.js';
import { oneTime } from '../support/checkout-fixtures.js';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';
import { buy } from '../support/refund-fixtures.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

let mcp: ConnectedClient;
let receiver: WebhookReceiver;
let endpoint: WebhookEndpoint;
let secret: string;

/** A client on a fresh engine with one endpoint (wh_0001) for payment.succeeded at a verifying receiver. */
async function open(): Promise<void> {
  mcp = await connectClient();
  receiver = await WebhookReceiver.start(mcp.engine.clock);
  endpoint = await mcp.ok<WebhookEndpoint>('create_webhook', { url: receiver.url, description: 'orders', filter_types: ['payment.succeeded'] });
  secret = (await mcp.ok<WebhookSecret>('get_webhook_secret', { webhook_id: endpoint.id })).secret;
  receiver.verifyWith = [secret];
}

async function shut(): Promise<void> {
  await receiver.close();
  await mcp.close();
}

/** Every row of the webhook tables, so a refused call can be shown to have written nothing. */
async function webhookTables() {
  const db = mcp.engine.ctx.db;
  return {
    endpoints: await db.selectFrom('webhook_endpoints').selectAll().orderBy('webhook_id').execute(),
    messages: await db.selectFrom('webhook_messages').selectAll().orderBy('message_id').execute(),
    attempts: await db.selectFrom('webhook_attempts').selectAll().orderBy('attempt_id').execute(),
    cursor: await db.selectFrom('webhook_dispatch_cursor').selectAll().execute(),
  };
}

/** A purchase whose payment.succeeded is delivered to the endpoint; returns its delivery. */
async function deliveredPurchase(): Promise<WebhookDelivery> {
  const guide = await oneTime(mcp.engine, { price: 1900 });
  await buy(mcp.engine, [[guide.product_id, 1]]);
  await mcp.engine.dueWork.run(mcp.engine.clock.now());
  const page = await mcp.ok<{ items: WebhookDeliverySummary[] }>('list_webhook_deliveries', { webhook_id: endpoint.id });
  const [summary] = page.items;
  if (!summary) throw new Error('no delivery');
  return mcp.ok<WebhookDelivery>('get_webhook_delivery', { message_id: summary.message_id });
}

describe('success shapes', () => {
  beforeEach(open);
  afterEach(shut);

  test('create, get, list, update, delete: the endpoint as the engine shows it, never its secret', async () => {
    expect(endpoint).toEqual({
      id: 'wh_0001',
      url: receiver.url,
      description: 'orders',
      disabled: false,
      filter_types: ['payment.succeeded'],
      rate_limit: null,
      metadata: {},
      created_at: '2025-04-01T00:00:00.000Z',
      updated_at: '2025-04-01T00:00:00.000Z',
    });
    expect(await mcp.ok('get_webhook', { webhook_id: endpoint.id })).toEqual(endpoint);
    const second = await mcp.ok<WebhookEndpoint>('create_webhook', {
      url: 'https://example.com/hooks',
      disabled: true,
      metadata: { team: 'billing' },
      rate_limit: 5,
      headers: { 'X-Api-Key': 'k-1' },
    });
    expect(second).toMatchObject({
      id: 'wh_0002',
      disabled: true,
      filter_types: [],
      rate_limit: 5,
      metadata: { team: 'billing' },
      description: null,
    });
    const listed = await mcp.ok<{ items: WebhookEndpoint[] }>('list_webhooks', { page_size: 1 });
    expect(listed).toMatchObject({ items: [endpoint], page_number: 0, page_size: 1, has_more: true });
    expect((await mcp.ok<{ items: WebhookEndpoint[] }>('list_webhooks', {})).items).toEqual([endpoint, second]);

    mcp.engine.clock.advance(1000);
    const updated = await mcp.ok<WebhookEndpoint>('update_webhook', {
      webhook_id: second.id,
      description: 'paused',
      disabled: false,
      rate_limit: null,
      filter_types: ['refund.succeeded', 'refund.failed'],
    });
    expect(updated).toEqual({
      ...second,
      description: 'paused',
      disabled: false,
      rate_limit: null,
      filter_types: ['refund.succeeded', 'refund.failed'],
      updated_at: '2025-04-01T00:00:01.000Z',
    });
    expect(await mcp.ok('delete_webhook', { webhook_id: second.id })).toEqual(updated);
    expect(await mcp.fail('get_webhook', { webhook_id: second.id })).toBe(
      'NOT_FOUND: no webhook wh_0002. Next: list_webhooks shows the existing ids',
    );

    const shown = JSON.stringify([
      endpoint,
      second,
      updated,
      listed,
      await mcp.call('list_webhooks', {}),
      await mcp.call('get_webhook', { webhook_id: endpoint.id }),
    ]);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain('whsec_');
  });

  test('get_webhook_secret and rotate_webhook_secret: the new secret, and the old one co-signing for 24 h', async () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await mcp.ok('get_webhook_secret', { webhook_id: endpoint.id })).toEqual({ secret, previous_secret_expires_at: null });
    const rotated = await mcp.ok<WebhookSecret>('rotate_webhook_secret', { webhook_id: endpoint.id });
    expect(rotated).toEqual({ secret: expect.stringMatching(/^whsec_/), previous_secret_expires_at: '2025-04-02T00:00:00.000Z' });
    expect(rotated.secret).not.toBe(secret);
    expect(await mcp.ok('get_webhook_secret', { webhook_id: endpoint.id })).toEqual(rotated);
    // Both secrets verify the next delivery.
    receiver.verifyWith = [secret, rotated.secret];
    await deliveredPurchase();
    expect(receiver.received[0]?.signature.split(' ')).toHaveLength(2);
    expect(receiver.problems).toEqual([]);
  });

  test('get_webhook_headers and update_webhook_headers: replaced as a whole, sent with each delivery', async () => {
    expect(await mcp.ok('get_webhook_headers', { webhook_id: endpoint.id })).toEqual({ headers: {} });
    expect(await mcp.ok('update_webhook_headers', { webhook_id: endpoint.id, headers: { 'X-Api-Key': 'k-1', 'X-Env': 'test' } })).toEqual({
      headers: { 'X-Api-Key': 'k-1', 'X-Env': 'test' },
    });
    expect(await mcp.ok('update_webhook_headers', { webhook_id: endpoint.id, headers: { 'X-Api-Key': 'k-2' } })).toEqual({
      headers: { 'X-Api-Key': 'k-2' },
    });
    expect(await mcp.ok('get_webhook_headers', { webhook_id: endpoint.id })).toEqual({ headers: { 'X-Api-Key': 'k-2' } });
    await deliveredPurchase();
    expect(receiver.received[0]?.headers['x-api-key']).toBe('k-2');
    expect(receiver.received[0]?.headers['x-env']).toBeUndefined();
  });

  test('list_webhook_deliveries, get_webhook_delivery, retry_webhook_delivery and send_test_webhook: the delivery with its attempts', async () => {
    const delivery = await deliveredPurchase();
    expect(delivery).toMatchObject({
      message_id: receiver.received[0]?.id,
      webhook_id: endpoint.id,
      event_type: 'payment.succeeded',
      status: 'succeeded',
      attempt_count: 1,
      next_attempt_at: null,
      is_test: false,
      payload: { business_id: mcp.engine.ctx.businessId, type: 'payment.succeeded', data: { payload_type: 'Payment', status: 'succeeded' } },
      attempts: [{ attempt: 1, trigger: 'scheduled', status_code: 200, error: null, succeeded: true, next_attempt_at: null }],
    });
    expect(delivery.event_id).toMatch(/^evt_/);
    expect(delivery.object_id).toMatch(/^pay_/);
    expect(await mcp.ok('list_webhook_deliveries', { status: 'failed' })).toMatchObject({ items: [], has_more: false });
    // The list holds summaries (issue 14): no body, no attempt history, how the last attempt ended.
    const { payload: _body, attempts, ...summary } = delivery;
    const listed = await mcp.ok<{ items: WebhookDeliverySummary[] }>('list_webhook_deliveries', {
      event_type: 'payment.succeeded',
      status: 'succeeded',
    });
    expect(listed.items).toEqual([
      { ...summary, last_attempt: { attempted_at: attempts[0]?.attempted_at, status_code: 200, error: null, succeeded: true } },
    ]);

    const replayed = await mcp.ok<WebhookDelivery>('retry_webhook_delivery', { message_id: delivery.message_id });
    expect(replayed).toMatchObject({ message_id: delivery.message_id, status: 'succeeded', attempt_count: 1 });
    expect(replayed.attempts.map((a) => [a.attempt, a.trigger, a.status_code])).toEqual([
      [1, 'scheduled', 200],
      [2, 'manual', 200],
    ]);
    expect(receiver.received.map((r) => r.id)).toEqual([delivery.message_id, delivery.message_id]);

    const sent = await mcp.ok<WebhookDelivery>('send_test_webhook', { webhook_id: endpoint.id, event_type: 'refund.succeeded' });
    expect(sent).toMatchObject({
      webhook_id: endpoint.id,
      event_id: null,
      event_type: 'refund.succeeded',
      object_id: null,
      status: 'succeeded',
      is_test: true,
      next_attempt_at: null,
      payload: { type: 'refund.succeeded', data: { payload_type: 'Refund', test: true } },
      attempts: [{ attempt: 1, trigger: 'test', status_code: 200, succeeded: true }],
    });
    expect(await mcp.ok('send_test_webhook', { webhook_id: endpoint.id })).toMatchObject({ event_type: 'payment.succeeded', is_test: true });
    expect(receiver.received).toHaveLength(4);
    expect(receiver.problems).toEqual([]);
  });
});

describe('bad input to every tool is isError and changes nothing', () => {
  // One engine for every case (each compares its own before and after): a delivered purchase (messages,
  // attempts and a cursor exist) and a second one not yet fanned out, so a refused call that fanned out or
  // sent anything would show in the tables or at the receiver.
  beforeAll(async () => {
    await open();
    await deliveredPurchase();
    const guide = await oneTime(mcp.engine, { name: 'Second', price: 2900 });
    await buy(mcp.engine, [[guide.product_id, 1]], { email: 'second@example.com' });
  });
  afterAll(shut);

  const longDescription = 'x'.repeat(1001);
  const cases: Array<[string, Record<string, unknown>, string | RegExp]> = [
    [
      'create_webhook',
      {},
      /^INVALID_REQUEST_BODY: invalid arguments for create_webhook: url: .*\. Next: fix those fields and call create_webhook again; its input schema lists every field$/,
    ],
    [
      'create_webhook',
      { url: 'ftp://example.com/x' },
      'INVALID_REQUEST_BODY: url must be an http(s) URL of at most 2000 characters, got "ftp://example.com/x". Next: send e.g. https://example.com/webhooks',
    ],
    [
      'create_webhook',
      { url: 'not a url' },
      'INVALID_REQUEST_BODY: url must be an http(s) URL of at most 2000 characters, got "not a url". Next: send e.g. https://example.com/webhooks',
    ],
    // Issue 13: the password would be echoed by create/get/list and the delivery log.
    [
      'create_webhook',
      { url: 'http://user:s3cret@hooks.example.com/x' },
      'INVALID_REQUEST_BODY: url must not carry a user name or password (http://hooks.example.com…); nothing was stored. Next: send the URL without them and put the credentials in headers, e.g. {"Authorization": "Basic …"}',
    ],
    [
      'create_webhook',
      { url: 'https://example.com/h', filter_types: ['payment.nope'] },
      /^INVALID_REQUEST_BODY: invalid arguments for create_webhook: filter_types\.0: /,
    ],
    ['create_webhook', { url: 'https://example.com/h', rate_limit: 0 }, /^INVALID_REQUEST_BODY: invalid arguments for create_webhook: rate_limit: /],
    [
      'create_webhook',
      { url: 'https://example.com/h', rate_limit: 2.5 },
      /^INVALID_REQUEST_BODY: invalid arguments for create_webhook: rate_limit: /,
    ],
    ['create_webhook', { url: 'https://example.com/h', extra: true }, /^INVALID_REQUEST_BODY: invalid arguments for create_webhook: /],
    [
      'create_webhook',
      { url: 'https://example.com/h', headers: { 'Content-Type': 'text/plain' } },
      'INVALID_REQUEST_BODY: header name "Content-Type" is not allowed: use an HTTP token other than Content-Type, Host, webhook-* and the framing headers. Next: rename the header, e.g. X-Api-Key',
    ],
    ['create_webhook', { url: 'https://example.com/h', description: longDescription }, /^INVALID_REQUEST_BODY: description .*1000/],
    ['create_webhook', { url: 'https://example.com/h', metadata: { 'bad key!': 'v' } }, /^INVALID_REQUEST_BODY: /],
    ['get_webhook', {}, /^INVALID_REQUEST_BODY: invalid arguments for get_webhook: webhook_id: /],
    ['get_webhook', { webhook_id: 'wh_9999' }, 'NOT_FOUND: no webhook wh_9999. Next: list_webhooks shows the existing ids'],
    ['list_webhooks', { page_size: 0 }, /^INVALID_REQUEST_BODY: invalid arguments for list_webhooks: page_size: /],
    ['list_webhooks', { page_size: 101 }, /^INVALID_REQUEST_BODY: invalid arguments for list_webhooks: page_size: /],
    ['update_webhook', { webhook_id: 'wh_9999', disabled: true }, 'NOT_FOUND: no webhook wh_9999. Next: list_webhooks shows the existing ids'],
    [
      'update_webhook',
      { webhook_id: 'wh_0001', url: 'https://admin@hooks.example.com/' },
      'INVALID_REQUEST_BODY: url must not carry a user name or password (https://hooks.example.com…); nothing was stored. Next: send the URL without them and put the credentials in headers, e.g. {"Authorization": "Basic …"}',
    ],
    [
      'update_webhook',
      { webhook_id: 'wh_0001', url: 'mailto:a@b.c' },
      'INVALID_REQUEST_BODY: url must be an http(s) URL of at most 2000 characters, got "mailto:a@b.c". Next: send e.g. https://example.com/webhooks',
    ],
    ['update_webhook', { webhook_id: 'wh_0001', rate_limit: -1 }, /^INVALID_REQUEST_BODY: invalid arguments for update_webhook: rate_limit: /],
    [
      'update_webhook',
      { webhook_id: 'wh_0001', filter_types: ['payment.nope'] },
      /^INVALID_REQUEST_BODY: invalid arguments for update_webhook: filter_types\.0: /,
    ],
    ['update_webhook', { webhook_id: 'wh_0001', disabled: 'yes' }, /^INVALID_REQUEST_BODY: invalid arguments for update_webhook: disabled: /],
    ['delete_webhook', {}, /^INVALID_REQUEST_BODY: invalid arguments for delete_webhook: webhook_id: /],
    ['delete_webhook', { webhook_id: 'wh_9999' }, 'NOT_FOUND: no webhook wh_9999. Next: list_webhooks shows the existing ids'],
    ['get_webhook_secret', { webhook_id: 'wh_9999' }, 'NOT_FOUND: no webhook wh_9999. Next: list_webhooks shows the existing ids'],
    ['get_webhook_secret', { webhook_id: '' }, /^INVALID_REQUEST_BODY: invalid arguments for get_webhook_secret: webhook_id: /],
    ['rotate_webhook_secret', { webhook_id: 'wh_9999' }, 'NOT_FOUND: no webhook wh_9999. Next: list_webhooks shows the existing ids'],
    ['rotate_webhook_secret', {}, /^INVALID_REQUEST_BODY: invalid arguments for rotate_webhook_secret: webhook_id: /],
    ['get_webhook_headers', { webhook_id: 'wh_9999' }, 'NOT_FOUND: no webhook wh_9999. Next: list_webhooks shows the existing ids'],
    ['get_webhook_headers', { webhook_id: 7 }, /^INVALID_REQUEST_BODY: invalid arguments for get_webhook_headers: webhook_id: /],
    ['update_webhook_headers', { webhook_id: 'wh_9999', headers: {} }, 'NOT_FOUND: no webhook wh_9999. Next: list_webhooks shows the existing ids'],
    ['update_webhook_headers', { webhook_id: 'wh_0001' }, /^INVALID_REQUEST_BODY: invalid arguments for update_webhook_headers: headers: /],
    [
      'update_webhook_headers',
      { webhook_id: 'wh_0001', headers: { 'webhook-id': 'forged' } },
      'INVALID_REQUEST_BODY: header name "webhook-id" is not allowed: use an HTTP token other than Content-Type, Host, webhook-* and the framing headers. Next: rename the header, e.g. X-Api-Key',
    ],
    [
      'update_webhook_headers',
      { webhook_id: 'wh_0001', headers: { 'X-Api-Key': 'a\r\nX-Evil: 1' } },
      'INVALID_REQUEST_BODY: header X-Api-Key must be at most 1000 characters without line breaks. Next: shorten the value',
    ],
    [
      'update_webhook_headers',
      { webhook_id: 'wh_0001', headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])) },
      'INVALID_REQUEST_BODY: headers has 21 entries; at most 20 are allowed. Next: remove some headers',
    ],
    ['list_webhook_deliveries', { webhook_id: 'wh_9999' }, 'NOT_FOUND: no webhook wh_9999. Next: list_webhooks shows the existing ids'],
    ['list_webhook_deliveries', { status: 'lost' }, /^INVALID_REQUEST_BODY: invalid arguments for list_webhook_deliveries: status: /],
    ['list_webhook_deliveries', { event_type: 'payment.nope' }, /^INVALID_REQUEST_BODY: invalid arguments for list_webhook_deliveries: event_type: /],
    ['list_webhook_deliveries', { page_number: -1 }, /^INVALID_REQUEST_BODY: invalid arguments for list_webhook_deliveries: page_number: /],
    [
      'retry_webhook_delivery',
      { message_id: 'msg_9999' },
      'NOT_FOUND: no webhook delivery msg_9999. Next: list_webhook_deliveries shows the existing ids',
    ],
    [
      'get_webhook_delivery',
      { message_id: 'msg_9999' },
      'NOT_FOUND: no webhook delivery msg_9999. Next: list_webhook_deliveries shows the existing ids',
    ],
    ['retry_webhook_delivery', {}, /^INVALID_REQUEST_BODY: invalid arguments for retry_webhook_delivery: message_id: /],
    ['send_test_webhook', { webhook_id: 'wh_9999' }, 'NOT_FOUND: no webhook wh_9999. Next: list_webhooks shows the existing ids'],
    [
      'send_test_webhook',
      { webhook_id: 'wh_0001', event_type: 'payment.nope' },
      /^INVALID_REQUEST_BODY: invalid arguments for send_test_webhook: event_type: /,
    ],
  ];

  test.each(cases)('%s %j', async (tool, args, expected) => {
    const before = await webhookTables();
    const received = receiver.received.length;

    const text = await mcp.fail(tool, args);
    if (typeof expected === 'string') expect(text).toBe(expected);
    else expect(text).toMatch(expected);
    expect(await webhookTables()).toEqual(before);
    expect(receiver.received).toHaveLength(received);
  });

  test('every webhook tool has a bad-input case', () => {
    const covered = new Set(cases.map(([tool]) => tool));
    expect([...covered].sort()).toEqual([
      'create_webhook',
      'delete_webhook',
      'get_webhook',
      'get_webhook_delivery',
      'get_webhook_headers',
      'get_webhook_secret',
      'list_webhook_deliveries',
      'list_webhooks',
      'retry_webhook_delivery',
      'rotate_webhook_secret',
      'send_test_webhook',
      'update_webhook',
      'update_webhook_headers',
    ]);
  });
});
