import { BillingError } from '../errors.js';
import type { UsageMetadata } from '../meters/types.js';
import { MAX_EVENTS_PER_BATCH, type UsageEventInput } from './types.js';

// Pure batch validation for ingestion (SPEC §1.15, §2.7, D12): the whole batch is checked before anything
// is stored, so one bad event rejects all of them and nothing is written.

export const MAX_AGE_MS = 60 * 60 * 1000;
export const MAX_AHEAD_MS = 5 * 60 * 1000;
export const MAX_METADATA_PAIRS = 50;
export const MAX_METADATA_KEY_LENGTH = 100;
export const MAX_METADATA_VALUE_LENGTH = 500;

/** A validated event as stored: instant in epoch ms, metadata as JSON (null when absent or empty). */
export interface UsageEventRow {
  event_id: string;
  business_id: string;
  customer_id: string;
  event_name: string;
  timestamp: number;
  metadata: string | null;
}

function bad(message: string, nextStep: string): BillingError {
  return new BillingError('INVALID_REQUEST_BODY', `${message}; nothing in the batch was stored`, nextStep);
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw bad(`${field} is required`, `send ${field.replace(/^events\[\d+\]\./, '')} on every event`);
  return value;
}

/**
 * Checks every event, in order, and returns their rows: event_id, customer_id and event_name required;
 * no event_id twice in the batch; timestamp at most 1 hour before and 5 minutes after `now`
 * (12:00 accepts 11:00–12:05); metadata a flat map of string | number | boolean with at most 50 pairs,
 * keys ≤ 100 and string values ≤ 500 characters. 1 to 1000 events.
 */
export function validateBatch(events: readonly UsageEventInput[], businessId: string, now: number): UsageEventRow[] {
  if (events.length === 0) throw bad('events is empty', 'send 1 to 1000 events');
  if (events.length > MAX_EVENTS_PER_BATCH) {
    throw bad(`a batch holds at most ${MAX_EVENTS_PER_BATCH} events, got ${events.length}`, 'split it into batches of at most 1000');
  }
  const seen = new Set<string>();
  const rows: UsageEventRow[] = new Array<UsageEventRow>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as UsageEventInput;
    const at = `events[${i}]`;
    const event_id = requireText(e.event_id, `${at}.event_id`);
    const customer_id = requireText(e.customer_id, `${at}.customer_id`);
    const event_name = requireText(e.event_name, `${at}.event_name`);
    if (seen.has(event_id)) throw bad(`event_id ${event_id} appears twice in the batch (${at})`, 'give every event its own event_id');
    seen.add(event_id);
    rows[i] = {
      event_id,
      business_id: businessId,
      customer_id,
      event_name,
      timestamp: timestampOf(e.timestamp, now, at),
      metadata: metadataJson(e.metadata, at),
    };
  }
  return rows;
}

/**
 * The rows validated at `validatedAt`, with the events that gave no timestamp stamped `now` instead (the
 * clock under the write lock, UsageService.ingest); explicit timestamps keep the check they had.
 */
export function stampedAt(
  rows: readonly UsageEventRow[],
  events: readonly UsageEventInput[],
  validatedAt: number,
  now: number,
): readonly UsageEventRow[] {
  if (now === validatedAt) return rows;
  return rows.map((row, i) => (events[i]?.timestamp === undefined ? { ...row, timestamp: now } : row));
}

function timestampOf(timestamp: string | undefined, now: number, at: string): number {
  if (timestamp === undefined) return now;
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw bad(`${at}.timestamp "${timestamp}" is not an ISO-8601 instant`, 'send e.g. 2025-04-01T12:00:00Z');
  if (ms < now - MAX_AGE_MS) {
    throw bad(
      `${at}.timestamp ${timestamp} is more than 1 hour before the engine clock (${new Date(now).toISOString()})`,
      'send events within an hour of when they happened',
    );
  }
  if (ms > now + MAX_AHEAD_MS) {
    throw bad(
      `${at}.timestamp ${timestamp} is more than 5 minutes after the engine clock (${new Date(now).toISOString()})`,
      'do not date events in the future',
    );
  }
  return ms;
}

function metadataJson(metadata: Record<string, unknown> | null | undefined, at: string): string | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw bad(`${at}.metadata must be an object`, 'send a flat map of strings, numbers and booleans');
  let pairs = 0;
  for (const key in metadata) {
    if (!Object.hasOwn(metadata, key)) continue;
    pairs += 1;
    if (pairs > MAX_METADATA_PAIRS) {
      throw new BillingError(
        'MAXIMUM_KEYS_REACHED',
        `${at}.metadata has more than ${MAX_METADATA_PAIRS} pairs; nothing in the batch was stored`,
        'send at most 50 metadata pairs per event',
      );
    }
    if (key.length === 0 || key.length > MAX_METADATA_KEY_LENGTH)
      throw bad(`${at}.metadata key "${key.slice(0, 40)}…" must be 1–${MAX_METADATA_KEY_LENGTH} characters`, 'shorten the key');
    const value = metadata[key];
    if (typeof value === 'string') {
      if (value.length > MAX_METADATA_VALUE_LENGTH)
        throw bad(`${at}.metadata.${key} is ${value.length} characters; at most ${MAX_METADATA_VALUE_LENGTH}`, 'shorten the value');
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw bad(`${at}.metadata.${key} must be a finite number`, 'send a number');
    } else if (typeof value !== 'boolean') {
      throw bad(`${at}.metadata.${key} must be a string, number or boolean (objects and arrays are rejected)`, 'flatten the value');
    }
  }
  return pairs === 0 ? null : JSON.stringify(metadata);
}

export function parseUsageMetadata(json: string | null): UsageMetadata | null {
  return json === null ? null : (JSON.parse(json) as UsageMetadata);
}
