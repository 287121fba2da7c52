import type { EndpointRow } from './repo.js';
import type { WebhookRequest } from './sender.js';
import { signatureHeader, signingSecrets } from './signing.js';

// Several processes: keyed by the row object a read returned, so a header change by any process reaches the
// next read (a new object); nothing outlives the row it was parsed from.
const parsedHeaders = new WeakMap<EndpointRow, Record<string, string>>();

/** The endpoint's custom headers, parsed once per endpoint row read. */
function customHeaders(endpoint: EndpointRow): Record<string, string> {
  let headers = parsedHeaders.get(endpoint);
  if (!headers) {
    headers = JSON.parse(endpoint.headers) as Record<string, string>;
    parsedHeaders.set(endpoint, headers);
  }
  return headers;
}

/**
 * One attempt's request (SPEC §4 headers): the endpoint's custom headers, then content-type and the Standard
 * Webhooks headers, which a custom header cannot override. `webhook-id` is the message id, the same on every
 * attempt; `webhook-timestamp` is `sentAt` (wall-clock ms) in Unix seconds, the instant the signature covers;
 * the secrets that sign are those valid at `signedAt` (engine clock: a rotation's 24 h overlap runs on it).
 */
export function signedRequest(
  messageId: string,
  endpoint: EndpointRow,
  body: string,
  signedAt: number,
  sentAt: number,
  timeoutMs: number,
): WebhookRequest {
  return {
    url: endpoint.url,
    headers: {
      ...customHeaders(endpoint),
      'content-type': 'application/json',
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(sentAt / 1000)),
      'webhook-signature': signatureHeader(signingSecrets(endpoint, signedAt), messageId, sentAt, body),
    },
    body,
    timeoutMs,
  };
}
