// Rule under test: SPEC §5 test processor — the saved method's failure code decides; a card past its expiry
// month fails with EXPIRED_CARD; an amount of 0 always succeeds without touching the card.
import { describe, expect, test } from 'vitest';
import { FrozenClock } from '../../../src/engine/clock.js';
import { type ChargeableMethod, TestProcessor } from '../../../src/engine/payments/processor.js';

const method = (over: Partial<ChargeableMethod> = {}): ChargeableMethod => ({
  payment_method_id: 'pm_1',
  type: 'card',
  card_brand: 'Visa',
  card_last4: '4242',
  card_exp_month: 6,
  card_exp_year: 2032,
  test_failure_code: null,
  ...over,
});

describe('SPEC §5 TestProcessor', () => {
  const processor = new TestProcessor(new FrozenClock('2025-04-01T00:00:00Z'));

  test.each([
    ['a method without a failure code succeeds', 4900, method(), { status: 'succeeded' }],
    [
      'CARD_DECLINED fails',
      4900,
      method({ test_failure_code: 'CARD_DECLINED' }),
      { status: 'failed', error_code: 'CARD_DECLINED', error_message: 'The card was declined.' },
    ],
    [
      'INSUFFICIENT_FUNDS fails',
      50,
      method({ test_failure_code: 'INSUFFICIENT_FUNDS' }),
      { status: 'failed', error_code: 'INSUFFICIENT_FUNDS', error_message: 'The card has insufficient funds.' },
    ],
    [
      'an unknown code still fails, with a generic message',
      100,
      method({ test_failure_code: 'DO_NOT_HONOR' }),
      { status: 'failed', error_code: 'DO_NOT_HONOR', error_message: 'The payment failed (DO_NOT_HONOR).' },
    ],
    ['amount 0 succeeds even on a declining card', 0, method({ test_failure_code: 'CARD_DECLINED' }), { status: 'succeeded' }],
    [
      'a card that expired at the end of 03/2025 fails',
      4900,
      method({ card_exp_month: 3, card_exp_year: 2025 }),
      { status: 'failed', error_code: 'EXPIRED_CARD', error_message: 'The card has expired.' },
    ],
    ['a card expiring 04/2025 still works on Apr 1', 4900, method({ card_exp_month: 4, card_exp_year: 2025 }), { status: 'succeeded' }],
    ['amount 0 on an expired card succeeds', 0, method({ card_exp_month: 1, card_exp_year: 2020 }), { status: 'succeeded' }],
  ] as const)('%s', async (_name, amount, paymentMethod, expected) => {
    expect(await processor.charge({ amount, currency: 'USD', payment_method: paymentMethod })).toEqual(expected);
  });
});
