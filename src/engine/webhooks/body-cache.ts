import { iso } from '../clock.js';
import { BillingError } from '../errors.js';
import type { SendableMessage } from './repo.js';
import type { PayloadType } from './types.js';

/** How long a built body (the event with its object's latest state) is reused for the event's other endpoints. */
const BODY_TTL_MS = 1000;
const MAX_CACHED_BODIES = 10_000;

/** Reads an object's latest state by id; a BillingError (e.g. NOT_FOUND) falls back to the event's payload. */
export type ObjectLoader = (objectId: string) => Promise<object>;
export type ObjectLoaders = Partial<Record<PayloadType, ObjectLoader>>;

/** The payload_type of an event type's family (SPEC §4), or null for a family with no object to read. */
export function payloadTypeOf(eventType: string): PayloadType | null {
  const family = eventType.slice(0, eventType.indexOf('.'));
  switch (family) {
    case 'payment':
      return 'Payment';
    case 'subscription':
      return 'Subscription';
    case 'refund':
      return 'Refund';
    case 'dispute':
      return 'Dispute';
    case 'license_key':
      return 'LicenseKey';
    default:
      return null;
  }
}

/**
 * Message bodies (SPEC §4): {business_id, type, timestamp, data}, where data is the object's latest state
 * at delivery. The first attempts of an event's messages — one per endpoint, made together right after the
 * fan-out — share one body, built once and reused for at most BODY_TTL_MS: the object's state in it is read
 * after the event was written (never older than the event) and at most that much older than the send.
 * Retries, replays and test sends build their own, with the state as it is then.
 *
 * State: event id → the body's promise and until when (stopwatch ms) it may be reused. Invariant: an entry
 * is reused only before its `until`; a build that failed is removed, so the next endpoint tries again; at
 * most MAX_CACHED_BODIES entries (expired ones go first, else all). Nothing in it is database state a
 * reader relies on: a body only ever carries state read after its event.
 */
export class BodyCache {
  private readonly bodies = new Map<string, { body: Promise<string>; until: number }>();

  constructor(
    private readonly businessId: string,
    private readonly loaders: ObjectLoaders | undefined,
    private readonly stopwatch: () => number,
  ) {}

  /** The body of `message`'s attempt; `shared` for a first scheduled attempt, which may reuse the event's. */
  bodyOf(message: SendableMessage, shared: boolean): Promise<string> {
    const build = async () =>
      JSON.stringify({
        business_id: this.businessId,
        type: message.event_type,
        timestamp: iso(message.occurred_at),
        data: await this.dataOf(message),
      });
    if (!shared || message.event_id === null || message.is_test === 1) return build();
    const now = this.stopwatch();
    const cached = this.bodies.get(message.event_id);
    if (cached && cached.until > now) return cached.body;
    if (this.bodies.size >= MAX_CACHED_BODIES) {
      for (const [key, entry] of this.bodies) if (entry.until <= now) this.bodies.delete(key);
      if (this.bodies.size >= MAX_CACHED_BODIES) this.bodies.clear();
    }
    const body = build();
    this.bodies.set(message.event_id, { body, until: now + BODY_TTL_MS });
    // A failed build is not kept: the next endpoint tries again.
    body.catch(() => this.bodies.delete(message.event_id ?? ''));
    return body;
  }

  /** data = {payload_type, …the object's latest state}; the event's payload fills what cannot be read. */
  private async dataOf(message: SendableMessage): Promise<Record<string, unknown>> {
    const fromEvent = JSON.parse(message.event_payload) as Record<string, unknown>;
    const kind = payloadTypeOf(message.event_type);
    const loader = kind === null ? undefined : this.loaders?.[kind];
    if (kind === null || loader === undefined || message.object_id === null || message.is_test === 1) return fromEvent;
    let latest: object | null;
    try {
      latest = await loader(message.object_id);
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      latest = null;
    }
    return latest === null ? fromEvent : { ...fromEvent, ...latest, payload_type: kind };
  }
}
