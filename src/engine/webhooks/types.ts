import type { Metadata } from '../shared/metadata.js';

/** Every event type an endpoint can filter on (SPEC §4): what the engine emits, plus the simulated disputes. */
export const WEBHOOK_EVENT_TYPES = [
  'payment.processing',
  'payment.succeeded',
  'payment.failed',
  'payment.cancelled',
  'refund.succeeded',
  'refund.failed',
  'dispute.opened',
  'dispute.challenged',
  'dispute.accepted',
  'dispute.won',
  'dispute.lost',
  'dispute.expired',
  'dispute.cancelled',
  'subscription.active',
  'subscription.renewed',
  'subscription.on_hold',
  'subscription.plan_changed',
  'subscription.cancelled',
  'subscription.failed',
  'subscription.expired',
  'subscription.updated',
  'license_key.created',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The object kinds a payload's `data.payload_type` names (SPEC §4). */
export type PayloadType = 'Payment' | 'Subscription' | 'Refund' | 'Dispute' | 'LicenseKey';

/** A webhook endpoint as results show it: never its secret (get_webhook_secret reads that). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  disabled: boolean;
  /** Event types delivered; [] = all. */
  filter_types: string[];
  /** Deliveries per second at most; null = unthrottled. */
  rate_limit: number | null;
  metadata: Metadata;
  created_at: string;
  updated_at: string;
}

export interface WebhookEndpointInput {
  url?: string | undefined;
  description?: string | null | undefined;
  filter_types?: string[] | undefined;
  headers?: Record<string, string> | undefined;
  disabled?: boolean | undefined;
  metadata?: Metadata | undefined;
  rate_limit?: number | null | undefined;
}

export interface WebhookSecret {
  secret: string;
  /** After a rotation: the old secret, which still signs until `previous_secret_expires_at`. */
  previous_secret_expires_at: string | null;
}

export interface WebhookHeaders {
  headers: Record<string, string>;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';
export type AttemptTrigger = 'scheduled' | 'manual' | 'test';

export interface WebhookAttempt {
  attempt: number;
  trigger: AttemptTrigger;
  attempted_at: string;
  /** The receiver's HTTP status; null when no response arrived (timeout, refused connection). */
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  succeeded: boolean;
  /** When the schedule tries again after this attempt; null when it will not. */
  next_attempt_at: string | null;
}

/** One message (= one webhook-id) to one endpoint, with its attempts. */
export interface WebhookDelivery {
  message_id: string;
  webhook_id: string;
  event_id: string | null;
  event_type: string;
  object_id: string | null;
  status: DeliveryStatus;
  /** Scheduled attempts made, at most 8. */
  attempt_count: number;
  next_attempt_at: string | null;
  is_test: boolean;
  /** The last body sent, parsed; null before the first attempt. */
  payload: unknown;
  attempts: WebhookAttempt[];
  created_at: string;
  updated_at: string;
}

/**
 * A delivery as a list shows it: what it is, where it stands and how its last attempt ended, without the
 * body and the attempt history (get_webhook_delivery has them). Four deliveries were 6.8 KB with bodies
 * and attempts; as summaries they fit a context window by the hundred.
 */
export interface WebhookDeliverySummary extends Omit<WebhookDelivery, 'payload' | 'attempts'> {
  last_attempt: Pick<WebhookAttempt, 'attempted_at' | 'status_code' | 'error' | 'succeeded'> | null;
}

export interface DeliveryFilter {
  webhook_id?: string | undefined;
  event_type?: string | undefined;
  status?: DeliveryStatus | undefined;
}
