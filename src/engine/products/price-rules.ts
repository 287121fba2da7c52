import { BillingError } from '../errors.js';
import { assertCurrency } from '../money.js';
import { assertMinorUnits } from '../shared/amounts.js';
import { toNullableFlag, toFlag } from '../shared/flags.js';
import type { ProductsTable } from '../db/schema.js';
import { INTERVALS, type PriceInput } from './types.js';

type PriceColumns = Pick<
  ProductsTable,
  | 'price_type'
  | 'currency'
  | 'price'
  | 'discount'
  | 'pay_what_you_want'
  | 'suggested_price'
  | 'tax_inclusive'
  | 'payment_frequency_count'
  | 'payment_frequency_interval'
  | 'subscription_period_count'
  | 'subscription_period_interval'
  | 'trial_period_days'
>;

const MAX_TRIAL_DAYS = 10_000;

function invalid(message: string, nextStep: string): BillingError {
  return new BillingError('INVALID_REQUEST_PARAMETERS', message, nextStep);
}

/**
 * Checks a price against the catalogue rules and turns it into its columns:
 * - amounts are whole minor units ≥ 0 and the product discount a whole percent 0–100;
 * - pay-what-you-want exists only on one-time prices, where `price` is the minimum; a suggested price
 *   needs PWYW and may not be below that minimum (price 500, suggested 300 → INVALID_SUGGESTED_PRICE);
 * - recurring and usage-based prices renew every N Day|Week|Month|Year, trials are 0–10000 days, and a
 *   term (subscription_period) is given as count and interval together or not at all.
 */
export function priceColumns(input: PriceInput): PriceColumns {
  const currency = assertCurrency(input.currency);
  const discount = input.discount ?? 0;
  if (!Number.isInteger(discount) || discount < 0 || discount > 100) {
    throw invalid(`price.discount is a whole percent from 0 to 100, got ${discount}`, 'send e.g. 20 for 20 % off');
  }
  const tax_inclusive = toNullableFlag(input.tax_inclusive);

  if (input.type === 'one_time_price') {
    assertMinorUnits('price.price', input.price);
    const pwyw = input.pay_what_you_want ?? false;
    const suggested = input.suggested_price ?? null;
    if (suggested !== null) {
      assertMinorUnits('price.suggested_price', suggested);
      if (!pwyw) {
        throw invalid('suggested_price applies only to pay-what-you-want prices', 'set pay_what_you_want: true or drop it');
      }
      if (suggested < input.price) {
        throw new BillingError(
          'INVALID_SUGGESTED_PRICE',
          `suggested price ${suggested} is below the minimum price ${input.price}; with pay what you want, price is the minimum accepted amount`,
          'raise suggested_price or lower price',
        );
      }
    }
    return {
      price_type: input.type,
      currency,
      price: input.price,
      discount,
      pay_what_you_want: toFlag(pwyw),
      suggested_price: suggested,
      tax_inclusive,
      payment_frequency_count: null,
      payment_frequency_interval: null,
      subscription_period_count: null,
      subscription_period_interval: null,
      trial_period_days: null,
    };
  }

  const amount = input.type === 'recurring_price' ? input.price : input.fixed_price;
  assertMinorUnits(input.type === 'recurring_price' ? 'price.price' : 'price.fixed_price', amount);
  assertCount('price.payment_frequency_count', input.payment_frequency_count);
  assertInterval('price.payment_frequency_interval', input.payment_frequency_interval);
  const periodCount = input.subscription_period_count ?? null;
  const periodInterval = input.subscription_period_interval ?? null;
  if ((periodCount === null) !== (periodInterval === null)) {
    throw invalid(
      'subscription_period_count and subscription_period_interval go together',
      'send both (10 and "Year" for a ten-year term) or neither for no end',
    );
  }
  if (periodCount !== null) assertCount('price.subscription_period_count', periodCount);
  if (periodInterval !== null) assertInterval('price.subscription_period_interval', periodInterval);
  const trial = input.trial_period_days ?? 0;
  if (!Number.isInteger(trial) || trial < 0 || trial > MAX_TRIAL_DAYS) {
    throw invalid(`trial_period_days must be 0–${MAX_TRIAL_DAYS}, got ${trial}`, 'send 0 for no trial');
  }
  return {
    price_type: input.type,
    currency,
    price: amount,
    discount,
    pay_what_you_want: 0,
    suggested_price: null,
    tax_inclusive,
    payment_frequency_count: input.payment_frequency_count,
    payment_frequency_interval: input.payment_frequency_interval,
    subscription_period_count: periodCount,
    subscription_period_interval: periodInterval,
    trial_period_days: trial,
  };
}

function assertCount(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw invalid(`${field} must be a whole number from 1 to 1000, got ${value}`, 'send e.g. 1 for every month');
  }
}

function assertInterval(field: string, value: string): void {
  if (!(INTERVALS as readonly string[]).includes(value)) {
    throw invalid(`${field} must be one of ${INTERVALS.join(', ')}, got ${value}`, 'pick one of those intervals');
  }
}
