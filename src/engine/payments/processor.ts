import type { Clock } from '../clock.js';

/** What a processor needs to know about the saved method it charges. */
export interface ChargeableMethod {
  payment_method_id: string;
  type: string;
  card_brand: string | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  /** The test processor's verdict for this method: null succeeds, else the failure code (CARD_DECLINED …). */
  test_failure_code: string | null;
}

export interface ChargeRequest {
  /** Minor units, tax included: 4900 = $49.00. */
  amount: number;
  currency: string;
  payment_method: ChargeableMethod;
}

export type ChargeResult = { status: 'succeeded' } | { status: 'failed'; error_code: string; error_message: string };

/**
 * The seam between the engine and whoever moves money. The engine records the payment, its lines and
 * its events around one `charge` call, in one transaction; a processor only says yes or no.
 */
export interface PaymentProcessor {
  charge(request: ChargeRequest): Promise<ChargeResult>;
}

/** Messages for the transaction-failure codes the test cards produce (SPEC §5). */
const FAILURE_MESSAGES: Record<string, string> = {
  CARD_DECLINED: 'The card was declined.',
  INSUFFICIENT_FUNDS: 'The card has insufficient funds.',
  EXPIRED_CARD: 'The card has expired.',
  PROCESSING_ERROR: 'An error occurred while processing the card.',
  LOST_CARD: 'The card was reported lost.',
  STOLEN_CARD: 'The card was reported stolen.',
  AUTHENTICATION_REQUIRED: 'The card requires authentication (3-D Secure).',
};

export function failureMessage(code: string): string {
  return FAILURE_MESSAGES[code] ?? `The payment failed (${code}).`;
}

/**
 * The built-in processor of test mode (SPEC §5). A saved method keeps its card's behaviour: 4242… succeeds
 * every time, 4000 0000 0000 0002 declines every time (CARD_DECLINED), so renewals on it fail too. A card
 * past its expiry month fails with EXPIRED_CARD (12/2025 works until 2025-12-31T23:59:59Z). A charge of 0
 * (a trial start, a 100 % discount) always succeeds without touching the card.
 */
export class TestProcessor implements PaymentProcessor {
  constructor(private readonly clock: Clock) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (request.amount === 0) return { status: 'succeeded' };
    const method = request.payment_method;
    const failure = method.test_failure_code ?? (this.isExpired(method) ? 'EXPIRED_CARD' : null);
    if (failure === null) return { status: 'succeeded' };
    return { status: 'failed', error_code: failure, error_message: failureMessage(failure) };
  }

  private isExpired(method: ChargeableMethod): boolean {
    if (method.card_exp_year === null || method.card_exp_month === null) return false;
    // A card is valid through the last instant of its expiry month, in UTC.
    const firstInstantAfter = Date.UTC(method.card_exp_year, method.card_exp_month, 1);
    return this.clock.now() >= firstInstantAfter;
  }
}
