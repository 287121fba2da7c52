import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../../engine/index.js';
import { isoInstant, metadataSchema } from './common.js';

export const eventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).describe('An event type.');

export const webhookHeadersSchema = z.record(z.string(), z.string()).describe('At most 20; not Content-Type, Host or webhook-*.');

export const webhookSchema = z.object({
  id: z.string().describe('The webhook endpoint id (wh_…).'),
  url: z.string().describe('Where deliveries are POSTed.'),
  description: z.string().nullable().describe('Free text.'),
  disabled: z.boolean().describe('A disabled endpoint receives nothing.'),
  filter_types: z.array(z.string()).describe('Event types delivered; [] means every type.'),
  rate_limit: z.number().int().nullable().describe('Deliveries per second at most; null = unthrottled.'),
  metadata: metadataSchema,
  created_at: isoInstant,
  updated_at: isoInstant,
});

export const webhookSecretSchema = z.object({
  secret: z.string().describe('The signing secret, whsec_ + base64; verify deliveries with it (Standard Webhooks).'),
  previous_secret_expires_at: isoInstant.nullable().describe('After a rotation: when the old secret stops co-signing (24 h); else null.'),
});

export const webhookHeadersResultSchema = z.object({ headers: webhookHeadersSchema });

export const webhookAttemptSchema = z.object({
  attempt: z.number().int().describe('1, 2, … over every attempt of this message.'),
  trigger: z.enum(['scheduled', 'manual', 'test']).describe('The retry schedule, a replay, or a test send.'),
  attempted_at: isoInstant,
  status_code: z.number().int().nullable().describe('The receiver HTTP status; null when no answer (timeout, refused).'),
  latency_ms: z.number().int().describe('Milliseconds until the answer or the failure.'),
  error: z.string().nullable().describe('Why it failed; null on success.'),
  succeeded: z.boolean().describe('A 2xx within 15 s.'),
  next_attempt_at: isoInstant.nullable().describe('When the schedule retries after this attempt; null when it will not.'),
});

export const webhookDeliverySchema = z.object({
  message_id: z.string().describe('The message id = the webhook-id header, the same on every retry (msg_…).'),
  webhook_id: z.string().describe('The endpoint (wh_…).'),
  event_id: z.string().nullable().describe('The outbox event; null for a test send.'),
  event_type: z.string().describe('e.g. payment.succeeded.'),
  object_id: z.string().nullable().describe('The payment, subscription, refund … the event is about.'),
  status: z.enum(['pending', 'succeeded', 'failed']).describe('pending = more attempts are scheduled.'),
  attempt_count: z.number().int().describe('Scheduled attempts made, at most 8.'),
  next_attempt_at: isoInstant.nullable().describe('The next scheduled attempt; null when none.'),
  is_test: z.boolean().describe('A send_test_webhook message (never retried).'),
  payload: z.unknown().describe('The last body sent: {business_id, type, timestamp, data}; null before the first attempt.'),
  attempts: z.array(webhookAttemptSchema),
  created_at: isoInstant,
  updated_at: isoInstant,
});

/** A delivery in a list: no body, no attempt history (get_webhook_delivery has them). */
export const webhookDeliverySummarySchema = webhookDeliverySchema.omit({ payload: true, attempts: true }).extend({
  last_attempt: z
    .object({
      attempted_at: isoInstant,
      status_code: z.number().int().nullable().describe('The receiver’s HTTP status; null when no answer came.'),
      error: z.string().nullable().describe('Why it failed; null on success.'),
      succeeded: z.boolean(),
    })
    .nullable()
    .describe('How the latest attempt ended; null before the first.'),
});
