import { iso } from '../clock.js';
import { BillingError } from '../errors.js';
import { DISCOUNT_TYPES, type DiscountType } from './types.js';

/** Pure rules of discount codes (SPEC §1.5, §2.2, §2.8, D9): no database, no clock. */

/** 10000 basis points = 100 %: a percentage code can make a line free, never negative. */
export const MAX_BASIS_POINTS = 10_000;
export const CODE_MIN_LENGTH = 3;
export const CODE_MAX_LENGTH = 64;
/** Generated codes: 16 characters of [0-9A-Z] ≈ 82 bits, so they cannot be guessed. */
export const GENERATED_CODE_LENGTH = 16;
export const GENERATED_CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const CODE_PATTERN = /^[A-Za-z0-9_-]+$/;
/** A date (UTC midnight) or a date-time with Z or an offset; a zone-less time would depend on the host. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Codes are stored upper-case, so "summer25" and "SUMMER25" are one code: normalizeCode('summer-25') = 'SUMMER-25'. */
export function normalizeCode(code: string): string {
  if (code.length < CODE_MIN_LENGTH || code.length > CODE_MAX_LENGTH || !CODE_PATTERN.test(code)) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `discount code "${code}" must be ${CODE_MIN_LENGTH}–${CODE_MAX_LENGTH} characters of letters, digits, _ or -`,
      'send e.g. SUMMER25, or omit code to get a random one',
    );
  }
  return code.toUpperCase();
}

/** Lookups by code never fail on format: an impossible code simply matches nothing. */
export function lookupCode(code: string): string {
  return code.trim().toUpperCase();
}

export function assertDiscountType(type: string): DiscountType {
  if (!(DISCOUNT_TYPES as readonly string[]).includes(type)) {
    throw new BillingError(
      'UNSUPPORTED_DISCOUNT_TYPE',
      `discount type "${type}" is not supported; only percentage and flat discount codes are`,
      'use type percentage (amount in basis points) or flat (amount in minor units per line)',
    );
  }
  return type as DiscountType;
}

/**
 * SPEC D9: percentage amounts are basis points 1–10000 (10001 → INVALID_PERCENTAGE); flat amounts are
 * minor units ≥ 1 with no upper bound (a flat code larger than a line just makes that line free).
 */
export function checkAmount(type: DiscountType, amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 1) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      type === 'percentage'
        ? `amount must be a whole number of basis points from 1 to ${MAX_BASIS_POINTS} (540 = 5.4 %), got ${amount}`
        : `amount must be a whole number of minor units ≥ 1 (500 = $5.00), got ${amount}`,
      'send amount as a positive integer',
    );
  }
  if (type === 'percentage' && amount > MAX_BASIS_POINTS) {
    throw new BillingError(
      'INVALID_PERCENTAGE',
      `percentage amount cannot be more than ${MAX_BASIS_POINTS} basis points (100 %), got ${amount}`,
      'send basis points: 2500 = 25 %, 10000 = 100 %',
    );
  }
}

/** usage_limit and subscription_cycles: a whole number ≥ 1, or null for no limit. */
export function checkPositiveOrNull(field: 'usage_limit' | 'subscription_cycles', value: number | null): void {
  if (value !== null && (!Number.isSafeInteger(value) || value < 1)) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `${field} must be a whole number ≥ 1, or null for no limit, got ${value}`,
      `send e.g. ${field}: 3, or null`,
    );
  }
}

/** An expiry is an ISO-8601 instant strictly after `now`: a code that is born expired is a mistake. */
export function parseExpiry(expiresAt: string, now: number): number {
  const instant = ISO_INSTANT.test(expiresAt) ? Date.parse(expiresAt) : Number.NaN;
  if (!Number.isFinite(instant)) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `expires_at "${expiresAt}" is not an ISO-8601 instant`,
      'send e.g. 2025-12-31T23:59:59Z, or null for no expiry',
    );
  }
  if (instant <= now) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `expires_at ${iso(instant)} is not in the future (now is ${iso(now)})`,
      'send a later instant, or null for no expiry',
    );
  }
  return instant;
}
