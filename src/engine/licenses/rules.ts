import { BillingError } from '../errors.js';
import { LICENSE_KEY_ALPHABET, LICENSE_KEY_GROUP_LENGTH, LICENSE_KEY_GROUPS } from '../ids.js';
import type { SubscriptionStatus } from '../subscriptions/types.js';
import { checkText } from '../shared/text.js';
import type { LicenseKeyStatus, ValidationReason } from './types.js';

/** Subscription statuses after which its key stops validating (SPEC §2.10 PROPOSED: cancelled or expired). */
export const ENDED_SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = ['cancelled', 'expired', 'failed'];

export const MAX_INSTANCE_NAME_LENGTH = 255;

const KEY_LENGTH = LICENSE_KEY_GROUPS * LICENSE_KEY_GROUP_LENGTH;
const CROCKFORD_ALIASES: Record<string, string> = { O: '0', I: '1', L: '1' };

/**
 * The stored form of a key as a person typed or pasted it: case, spaces and dashes don't matter, and the
 * Crockford look-alikes read as digits (O → 0, I and L → 1). "7k3qd m9xrt-…" finds `7K3QD-M9XRT-…`.
 * Anything that is not 30 such characters is kept as typed (trimmed), so it simply matches no key.
 */
export function normalizeLicenseKey(typed: string): string {
  const trimmed = typed.trim();
  const compact = trimmed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[OIL]/g, (c) => CROCKFORD_ALIASES[c] ?? c);
  if (compact.length !== KEY_LENGTH || [...compact].some((c) => !LICENSE_KEY_ALPHABET.includes(c))) return trimmed;
  const groups: string[] = [];
  for (let i = 0; i < KEY_LENGTH; i += LICENSE_KEY_GROUP_LENGTH) groups.push(compact.slice(i, i + LICENSE_KEY_GROUP_LENGTH));
  return groups.join('-');
}

/** What decides a key's status, as stored; `subscription_status` is null for one-time purchases. */
export interface KeyFacts {
  disabled: boolean;
  expires_at: number | null;
  subscription_status: string | null;
}

/**
 * NOTE: expiry is lazy — a key with expires_at = May 1 is `active` at Apr 30 23:59 and `expired` from May 1
 * 00:00 (expires_at ≤ now), with nothing written. Disabled wins over expired.
 */
export function keyStatus(facts: KeyFacts, now: number): LicenseKeyStatus {
  if (facts.disabled) return 'disabled';
  if (facts.expires_at !== null && facts.expires_at <= now) return 'expired';
  if (subscriptionEnded(facts.subscription_status)) return 'expired';
  return 'active';
}

/** Why a key fails validation, or null when it is good: disabled, expired, then the subscription. */
export function invalidReason(facts: KeyFacts, now: number): ValidationReason | null {
  if (facts.disabled) return 'disabled';
  if (facts.expires_at !== null && facts.expires_at <= now) return 'expired';
  if (subscriptionEnded(facts.subscription_status)) return 'subscription_inactive';
  return null;
}

function subscriptionEnded(status: string | null): boolean {
  return status !== null && (ENDED_SUBSCRIPTION_STATUSES as readonly string[]).includes(status);
}

/** SPEC §2.10: a limit is set and instances_count ≥ limit → LICENSE_KEY_LIMIT_REACHED (limit 2: the third fails). */
export function checkActivationCapacity(key: { key: string; activations_limit: number | null; instances_count: number }): void {
  if (key.activations_limit !== null && key.instances_count >= key.activations_limit) {
    throw new BillingError(
      'LICENSE_KEY_LIMIT_REACHED',
      `license key ${key.key} already has ${key.instances_count} of ${key.activations_limit} activations`,
      'deactivate_license frees a slot, or update_license_key raises activations_limit',
    );
  }
}

/** A new limit may not fall below the instances already activated; null removes the limit. */
export function checkActivationsLimit(limit: number | null, instancesCount: number): void {
  if (limit === null) return;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new BillingError('INVALID_REQUEST_BODY', `activations_limit must be a whole number ≥ 0 or null, got ${limit}`, 'send null for unlimited');
  }
  if (limit < instancesCount) {
    throw new BillingError(
      'ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT',
      `activations_limit ${limit} is below the ${instancesCount} instances already activated`,
      'deactivate_license some instances first, or choose a limit ≥ instances_count',
    );
  }
}

export function checkInstanceName(name: string): string {
  const trimmed = name.trim();
  checkText('name', trimmed, { min: 1, max: MAX_INSTANCE_NAME_LENGTH });
  return trimmed;
}
