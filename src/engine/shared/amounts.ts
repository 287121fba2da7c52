import { BillingError } from '../errors.js';

/** A price is a whole, non-negative number of minor units: 3000 is $30.00, 29.99 is a mistake. */
export function assertMinorUnits(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `${field} must be a whole number of minor units ≥ 0 (3000 = $30.00), got ${value}`,
      'send amounts in cents as integers',
    );
  }
}
