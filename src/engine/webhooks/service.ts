import { BillingError, notFound } from '../errors.js';
import { newWebhookSecret } from '../ids.js';
import type { Scope } from '../scope.js';
import { checkMetadata } from '../shared/metadata.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { iso } from '../clock.js';
import { fanOutPending } from './fan-out.js';
import {
  attemptsOf,
  deleteEndpointRow,
  type EndpointRow,
  findEndpointRow,
  findMessageRow,
  insertEndpoint,
  insertMessages,
  listEndpointRows,
  listMessageRows,
  toDelivery,
  toEndpoint,
  updateEndpointRow,
} from './repo.js';
import { ROTATION_OVERLAP_MS } from './signing.js';
import {
  type DeliveryFilter,
  WEBHOOK_EVENT_TYPES,
  type WebhookDelivery,
  type WebhookDeliverySummary,
  type WebhookEndpoint,
  type WebhookEndpointInput,
  type WebhookHeaders,
  type WebhookSecret,
} from './types.js';

const MAX_HEADERS = 20;
const MAX_HEADER_VALUE = 1000;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Names the delivery sets itself; a custom header cannot override the signature or the framing. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'transfer-encoding', 'connection']);

/**
 * Webhook endpoints (SPEC §1.17) and their delivery log (SPEC §4). Every endpoint write first fans out
 * the events written before it, so an event goes to the endpoints — and filters — that stood when it
 * happened. Secrets appear only in get_webhook_secret's result.
 */
export class WebhookService {
  constructor(private readonly scope: Scope) {}

  async get(webhookId: string): Promise<WebhookEndpoint> {
    return toEndpoint(await this.row(webhookId));
  }

  async list(page?: PageRequest): Promise<Page<WebhookEndpoint>> {
    const window = pageWindow(page);
    return toPage(window, (await listEndpointRows(this.scope.db, this.scope.businessId, window)).map(toEndpoint));
  }

  async create(input: WebhookEndpointInput & { url: string }): Promise<WebhookEndpoint> {
    const checked = checkEndpointInput(input);
    return this.scope.transaction(async (tx) => {
      await fanOutPending(tx);
      const now = tx.clock.now();
      const webhook_id = tx.ids.next('webhook');
      await insertEndpoint(tx.db, {
        webhook_id,
        business_id: tx.businessId,
        url: input.url,
        description: input.description ?? null,
        disabled: input.disabled === true ? 1 : 0,
        filter_types: JSON.stringify(input.filter_types ?? []),
        headers: JSON.stringify(input.headers ?? {}),
        rate_limit: input.rate_limit ?? null,
        metadata: JSON.stringify(checked.metadata ?? {}),
        secret: newWebhookSecret(),
        previous_secret: null,
        previous_secret_expires_at: null,
        created_at: now,
        updated_at: now,
      });
      return toEndpoint(await this.row(webhook_id, tx));
    });
  }

  /** PATCH-style: omitted fields unchanged; null clears description and rate_limit. */
  async update(webhookId: string, input: WebhookEndpointInput): Promise<WebhookEndpoint> {
    const checked = checkEndpointInput(input);
    return this.scope.transaction(async (tx) => {
      await this.row(webhookId, tx);
      await fanOutPending(tx);
      await updateEndpointRow(tx.db, webhookId, {
        ...(input.url !== undefined && { url: input.url }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.disabled !== undefined && { disabled: input.disabled ? 1 : 0 }),
        ...(input.filter_types !== undefined && { filter_types: JSON.stringify(input.filter_types) }),
        ...(input.headers !== undefined && { headers: JSON.stringify(input.headers) }),
        ...(input.rate_limit !== undefined && { rate_limit: input.rate_limit }),
        ...(checked.metadata !== undefined && { metadata: JSON.stringify(checked.metadata) }),
        updated_at: tx.clock.now(),
      });
      return toEndpoint(await this.row(webhookId, tx));
    });
  }

  /** Deletes the endpoint with its delivery log; pending retries to it stop. */
  async delete(webhookId: string): Promise<WebhookEndpoint> {
    return this.scope.transaction(async (tx) => {
      const endpoint = toEndpoint(await this.row(webhookId, tx));
      await fanOutPending(tx);
      await deleteEndpointRow(tx.db, webhookId);
      return endpoint;
    });
  }

  async getSecret(webhookId: string): Promise<WebhookSecret> {
    const row = await this.row(webhookId);
    const now = this.scope.clock.now();
    const overlap = row.previous_secret_expires_at !== null && row.previous_secret_expires_at > now;
    return {
      secret: row.secret,
      previous_secret_expires_at: overlap && row.previous_secret_expires_at !== null ? iso(row.previous_secret_expires_at) : null,
    };
  }

  /**
   * A new secret signs from now on; the old one keeps signing beside it for 24 hours by the engine clock
   * (webhook-signature carries both), so receivers can switch without rejecting a delivery.
   */
  async rotateSecret(webhookId: string): Promise<WebhookSecret> {
    await this.scope.transaction(async (tx) => {
      const row = await this.row(webhookId, tx);
      const now = tx.clock.now();
      await updateEndpointRow(tx.db, webhookId, {
        secret: newWebhookSecret(),
        previous_secret: row.secret,
        previous_secret_expires_at: now + ROTATION_OVERLAP_MS,
        updated_at: now,
      });
    });
    return this.getSecret(webhookId);
  }

  async getHeaders(webhookId: string): Promise<WebhookHeaders> {
    return { headers: JSON.parse((await this.row(webhookId)).headers) as Record<string, string> };
  }

  /** Replaces the custom headers as a whole; {} removes them all. */
  async updateHeaders(webhookId: string, headers: Record<string, string>): Promise<WebhookHeaders> {
    checkHeaders(headers);
    await this.scope.transaction(async (tx) => {
      await this.row(webhookId, tx);
      await fanOutPending(tx);
      await updateEndpointRow(tx.db, webhookId, { headers: JSON.stringify(headers), updated_at: tx.clock.now() });
    });
    return this.getHeaders(webhookId);
  }

  /** The delivery log, newest first, with every attempt. */
  async listDeliveries(filter: DeliveryFilter = {}, page?: PageRequest): Promise<Page<WebhookDelivery>> {
    if (filter.webhook_id !== undefined) await this.row(filter.webhook_id);
    await this.scope.webhookDispatcher.fanOut();
    const window = pageWindow(page);
    const rows = await listMessageRows(this.scope.db, this.scope.businessId, filter, window);
    const attempts = await attemptsOf(
      this.scope.db,
      rows.map((r) => r.message_id),
    );
    return toPage(
      window,
      rows.map((r) => toDelivery(r, attempts.get(r.message_id) ?? [])),
    );
  }

  /** The delivery log as summaries, newest first: get_webhook_delivery gives one whole. */
  async listDeliverySummaries(filter: DeliveryFilter = {}, page?: PageRequest): Promise<Page<WebhookDeliverySummary>> {
    const deliveries = await this.listDeliveries(filter, page);
    return { ...deliveries, items: deliveries.items.map(deliverySummaryOf) };
  }

  async getDelivery(messageId: string): Promise<WebhookDelivery> {
    const row = await findMessageRow(this.scope.db, this.scope.businessId, messageId);
    if (!row) throw notFound('webhook delivery', messageId, 'list_webhook_deliveries');
    const attempts = await attemptsOf(this.scope.db, [messageId]);
    return toDelivery(row, attempts.get(messageId) ?? []);
  }

  /** Replays one delivery now (same webhook-id, freshly signed, the object's latest state) and waits. */
  async retryDelivery(messageId: string): Promise<WebhookDelivery> {
    const row = await findMessageRow(this.scope.db, this.scope.businessId, messageId);
    if (!row) throw notFound('webhook delivery', messageId, 'list_webhook_deliveries');
    await this.scope.webhookDispatcher.replay(messageId);
    return this.getDelivery(messageId);
  }

  /**
   * Sends one test event to an endpoint now, even a disabled one, and waits for the answer. Test sends
   * are never retried. The data is a sample object marked `test: true`.
   */
  async sendTest(webhookId: string, eventType: string = 'payment.succeeded'): Promise<WebhookDelivery> {
    checkEventTypes([eventType], 'event_type');
    const message_id = await this.scope.transaction(async (tx) => {
      await this.row(webhookId, tx);
      const now = tx.clock.now();
      const id = tx.ids.next('webhookMessage');
      await insertMessages(tx.db, [
        {
          message_id: id,
          webhook_id: webhookId,
          business_id: tx.businessId,
          event_id: null,
          event_type: eventType,
          object_id: null,
          event_payload: JSON.stringify({ payload_type: samplePayloadType(eventType), test: true }),
          occurred_at: now,
          body: null,
          status: 'pending',
          scheduled_attempts: 0,
          next_attempt_at: null,
          is_test: 1,
          created_at: now,
          updated_at: now,
        },
      ]);
      return id;
    });
    await this.scope.webhookDispatcher.sendOnce(message_id);
    return this.getDelivery(message_id);
  }

  private async row(webhookId: string, scope: Scope = this.scope): Promise<EndpointRow> {
    const row = await findEndpointRow(scope.db, scope.businessId, webhookId);
    if (!row) throw notFound('webhook', webhookId, 'list_webhooks');
    return row;
  }
}

function samplePayloadType(eventType: string): string {
  const family = eventType.slice(0, eventType.indexOf('.'));
  return { payment: 'Payment', subscription: 'Subscription', refund: 'Refund', dispute: 'Dispute', license_key: 'LicenseKey' }[family] ?? 'Payment';
}

function checkEndpointInput(input: WebhookEndpointInput): { metadata?: Record<string, string> } {
  if (input.url !== undefined) checkUrl(input.url);
  if (input.description != null) checkText('description', input.description, { max: 1000 });
  if (input.filter_types !== undefined) checkEventTypes(input.filter_types, 'filter_types');
  if (input.headers !== undefined) checkHeaders(input.headers);
  if (input.rate_limit != null && (!Number.isSafeInteger(input.rate_limit) || input.rate_limit < 1)) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `rate_limit must be a whole number ≥ 1, got ${input.rate_limit}`,
      'send deliveries per second, or null for none',
    );
  }
  return input.metadata === undefined ? {} : { metadata: checkMetadata(input.metadata) };
}

function checkUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || url.length > 2000) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `url must be an http(s) URL of at most 2000 characters, got "${url.slice(0, 100)}"`,
      'send e.g. https://example.com/webhooks',
    );
  }
  // Every read and the delivery log would echo it: credentials go in headers, which are never echoed whole.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `url must not carry a user name or password (${parsed.protocol}//${parsed.host}…); nothing was stored`,
      'send the URL without them and put the credentials in headers, e.g. {"Authorization": "Basic …"}',
    );
  }
}

function checkEventTypes(types: readonly string[], field: string): void {
  const known: readonly string[] = WEBHOOK_EVENT_TYPES;
  const unknown = types.filter((t) => !known.includes(t));
  if (unknown.length > 0) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `${field} has unknown event types: ${unknown.join(', ')}`,
      `use only these event types: ${known.join(', ')}`,
    );
  }
}

function checkHeaders(headers: Record<string, string>): void {
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `headers has ${entries.length} entries; at most ${MAX_HEADERS} are allowed`,
      'remove some headers',
    );
  }
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(lower) || lower.startsWith('webhook-')) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        `header name "${name.slice(0, 100)}" is not allowed: use an HTTP token other than Content-Type, Host, webhook-* and the framing headers`,
        'rename the header, e.g. X-Api-Key',
      );
    }
    if (value.length > MAX_HEADER_VALUE || /[\r\n\0]/.test(value)) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        `header ${name} must be at most ${MAX_HEADER_VALUE} characters without line breaks`,
        'shorten the value',
      );
    }
  }
}

function deliverySummaryOf({ payload: _body, attempts, ...delivery }: WebhookDelivery): WebhookDeliverySummary {
  const last = attempts.at(-1);
  return {
    ...delivery,
    last_attempt: last ? { attempted_at: last.attempted_at, status_code: last.status_code, error: last.error, succeeded: last.succeeded } : null,
  };
}
