// Rule under test: FetchWebhookSender, the real WebhookSender, against a real HTTP receiver on 127.0.0.1 —
// it POSTs the request exactly as given (headers, the signed bytes: the receiver verifies them with
// standardwebhooks), reports the answer's status without judging it (the retry policy does), never follows a
// redirect, and turns no answer within the timeout, or no connection, into an error with no status.
// Outcomes only: the timeout case waits a short real timeout, and no duration is asserted.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { systemClock } from '../../../src/engine/clock.js';
import { newWebhookSecret } from '../../../src/engine/ids.js';
import { FetchWebhookSender, type WebhookRequest } from '../../../src/engine/webhooks/sender.js';
import { signatureHeader } from '../../../src/engine/webhooks/signing.js';
import { type Responder, WebhookReceiver } from '../../support/webhook-receiver.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(respond?: Responder): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start(systemClock, respond);
  cleanups.push(() => r.close());
  return r;
}

/** A request signed with `secret` as the dispatcher signs one (request.ts), now. */
function signed(url: string, secret: string, timeoutMs = 15_000): WebhookRequest {
  const body = JSON.stringify({
    business_id: 'bus_1',
    type: 'payment.succeeded',
    timestamp: '2025-04-01T00:00:00.000Z',
    data: { payload_type: 'Payment', amount: 1900 },
  });
  const sentAt = Date.now();
  return {
    url,
    headers: {
      'X-Api-Key': 'k-123',
      'content-type': 'application/json',
      'webhook-id': 'msg_0001',
      'webhook-timestamp': String(Math.floor(sentAt / 1000)),
      'webhook-signature': signatureHeader([secret], 'msg_0001', sentAt, body),
    },
    body,
    timeoutMs,
  };
}

describe('FetchWebhookSender', () => {
  test('POSTs the request as given: the receiver verifies the signed body; a 2xx comes back without error', async () => {
    const r = await receiver(() => 204);
    const secret = newWebhookSecret();
    r.verifyWith = [secret];
    const request = signed(r.url, secret);
    const response = await new FetchWebhookSender().send(request);

    expect(response).toMatchObject({ status_code: 204, error: null });
    expect(response.duration_ms).toBeGreaterThanOrEqual(0);
    expect(r.problems).toEqual([]);
    expect(r.received).toHaveLength(1);
    expect(r.received[0]).toMatchObject({ id: 'msg_0001', raw: request.body });
    expect(r.received[0]?.headers).toMatchObject({ 'x-api-key': 'k-123', 'content-type': 'application/json' });
  });

  test('an answer outside 2xx is its status, not an error (the retry policy judges it); a redirect is not followed', async () => {
    const failing = await receiver(() => 500);
    const moving = await receiver(() => 302);
    const sender = new FetchWebhookSender();
    expect(await sender.send(signed(failing.url, newWebhookSecret()))).toMatchObject({ status_code: 500, error: null });
    expect(await sender.send(signed(moving.url, newWebhookSecret()))).toMatchObject({ status_code: 302, error: null });
    expect(moving.received).toHaveLength(1);
  });

  test('no answer within the timeout: timed out, no status', async () => {
    const r = await receiver(() => 'hang');
    const response = await new FetchWebhookSender().send(signed(r.url, newWebhookSecret(), 200));
    expect(response).toMatchObject({ status_code: null, error: 'timed out after 200 ms' });
    expect(r.received).toHaveLength(1);
  });

  test('an answer that arrives after the timeout by the stopwatch is timed out, its status kept', async () => {
    // The stopwatch reads 0 until the receiver has the request, then 1000: the answer came after the 500 ms.
    let answered = false;
    const r = await receiver(() => {
      answered = true;
      return 200;
    });
    const response = await new FetchWebhookSender(() => (answered ? 1000 : 0)).send(signed(r.url, newWebhookSecret(), 500));
    expect(response).toEqual({ status_code: 200, error: 'timed out after 500 ms', duration_ms: 1000 });
  });

  test('no connection: the failure and its cause, no status', async () => {
    // A port that was just free: nothing listens there now.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const response = await new FetchWebhookSender().send(signed(`http://127.0.0.1:${port}/hooks`, newWebhookSecret()));
    expect(response.status_code).toBeNull();
    expect(response.error).toMatch(/^fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });
});
