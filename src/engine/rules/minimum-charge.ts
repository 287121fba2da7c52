import { BillingError } from '../errors.js';
import { formatMoney } from '../money.js';

/** SPEC D13: 50 minor units in every currency ($0.50, ₹0.50). */
export const MINIMUM_CHARGE = 50;

/**
 * A total below the currency minimum cannot be charged (TOTAL_PAYMENT_AMOUNT_BELOW_MINIMUM_AMOUNT), except
 * exactly 0, e.g. after a 100 % discount code (SPEC §2.1 rule 12, D13): 49 fails, 0 and 50 pass.
 */
export function assertChargeableTotal(total: number, currency: string): void {
  if (total > 0 && total < MINIMUM_CHARGE) {
    throw new BillingError(
      'TOTAL_PAYMENT_AMOUNT_BELOW_MINIMUM_AMOUNT',
      `the total ${formatMoney(total, currency)} (${total}) is below the minimum charge of ${MINIMUM_CHARGE} minor units`,
      `raise the quantity or amount to reach ${MINIMUM_CHARGE}, or discount the order to exactly 0`,
    );
  }
}
