import { BillingError } from '../errors.js';

/** Length limits from the API (product name ≤ 100, description ≤ 1000 …), checked in characters. */
export function checkText(field: string, value: string, limits: { min?: number; max: number }): void {
  const length = [...value].length;
  const min = limits.min ?? 0;
  if (length < min || length > limits.max) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `${field} must be ${min > 0 ? `${min}–` : 'at most '}${limits.max} characters, got ${length}`,
      `shorten or fill in ${field}`,
    );
  }
}
