import { BillingError } from '../errors.js';

/**
 * An ISO-8601 instant from a caller ("2025-04-01T00:00:00Z") as epoch ms; anything else is
 * INVALID_REQUEST_BODY naming the field.
 */
export function parseInstant(field: string, value: string, nextStep = 'send e.g. 2025-04-01T00:00:00Z'): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new BillingError('INVALID_REQUEST_BODY', `${field} must be an ISO-8601 instant, got "${value}"`, nextStep);
  }
  return ms;
}
