import { BillingError } from '../errors.js';
import type { Scope } from '../scope.js';
import type { CheckoutReceipt } from './page-types.js';
import { brandOf } from './page-view.js';
import type { StoredSession } from './types.js';
import { sessionCartOf, viewOf } from './view.js';

/**
 * A paid session's receipt (SPEC §2.1 completion): what was bought, the succeeded payment, its invoice
 * (issued for every succeeded payment, SPEC §1.12) and the license keys that payment issued (§2.10).
 * A session not paid yet has none (INVALID_REQUEST_PARAMETERS).
 */
export async function receiptOf(scope: Scope, stored: StoredSession, publicBaseUrl: string): Promise<CheckoutReceipt> {
  const payment = stored.status === 'completed' && stored.payment_id !== null ? await scope.payments.find(stored.payment_id) : undefined;
  if (!payment) {
    throw new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `checkout session ${stored.session_id} is not paid, so it has no receipt`,
      'pay the session first (complete_checkout_session, or its checkout page)',
    );
  }
  const keys = await scope.licenses.list({ payment_id: payment.payment_id }, { page_size: 100 });
  return {
    session: await viewOf(scope, stored, publicBaseUrl),
    brand: brandOf(await sessionCartOf(scope, stored)),
    payment,
    invoice: (await scope.payments.findInvoice(payment.payment_id)) ?? null,
    license_keys: keys.items,
  };
}
