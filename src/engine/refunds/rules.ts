import { iso } from '../clock.js';
import { BillingError } from '../errors.js';
import { mulDivHalfUp } from '../money.js';
import type { RefundStatus as PaymentRefundStatus } from '../payments/types.js';
import { checkMetadata, type Metadata } from '../shared/metadata.js';
import { checkText } from '../shared/text.js';
import type { NewRefund, RefundItemRequest, RefundStatus } from './types.js';

/** Pure rules of refunds (SPEC §2.9): no database, no clock; the service passes `now` in. */

/** "Refunds (full or partial) must be initiated within 30 days of the transaction date." */
export const REFUND_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** PROPOSED (AMBIG-20): a line refund of at least 1 minor unit. */
export const MIN_LINE_REFUND = 1;
export const MAX_REASON_LENGTH = 3000;
/** Refunds still in flight; a new refund on the same payment waits for them. */
const IN_FLIGHT: readonly RefundStatus[] = ['pending', 'review'];

/** A payment line as a refund sees it. `amount` is before tax; paid = amount + tax. */
export interface RefundableLine {
  line_id: string;
  item_id: string;
  amount: number;
  tax: number;
  is_prorated: boolean;
  /** Minor units refunded so far, tax included. */
  refunded_amount: number;
}

/** Everything §2.9 checks, loaded by the service inside the refund's transaction. */
export interface RefundFacts {
  payment: {
    payment_id: string;
    status: string;
    total_amount: number;
    created_at_ms: number;
    refund_status: PaymentRefundStatus | null;
  };
  lines: readonly RefundableLine[];
  /** The payment's earlier refunds. */
  refunds: ReadonlyArray<{ refund_id: string; status: RefundStatus; amount: number }>;
  now: number;
}

/** What a refund that passed every check does: per line, the minor units returned (tax included). */
export interface RefundPlan {
  items: Array<{ line_id: string; item_id: string; amount: number; refunded_after: number }>;
  /** Σ items[].amount. */
  amount: number;
  /** This refund returns less than the payment's total. */
  is_partial: boolean;
  /** The payment's refund_status once the refund succeeded. */
  refund_status: PaymentRefundStatus;
}

/** The request after its shape was checked, defaults applied (tax_inclusive true, metadata {}). */
export interface CheckedRefundRequest {
  payment_id: string;
  items: Array<{ item_id: string; amount: number | null; tax_inclusive: boolean }> | null;
  reason: string | null;
  metadata: Metadata;
}

/**
 * Shape checks that come before any business rule (INVALID_REQUEST_BODY, MAXIMUM_KEYS_REACHED): reason
 * ≤ 3000 characters, metadata limits, amounts whole minor units. `items: []` is refused rather than read
 * as "no items", because no items means a full refund and an empty list is more likely a mistake.
 */
export function checkRefundRequest(input: NewRefund): CheckedRefundRequest {
  if (input.reason !== undefined) checkText('reason', input.reason, { max: MAX_REASON_LENGTH });
  const metadata = checkMetadata(input.metadata);
  if (input.items !== undefined && input.items.length === 0) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      'items is empty',
      'omit items to refund everything that remains of the payment, or name the lines to refund',
    );
  }
  return {
    payment_id: input.payment_id,
    items: input.items === undefined ? null : input.items.map(checkItem),
    reason: input.reason ?? null,
    metadata,
  };
}

function checkItem(item: RefundItemRequest, index: number): { item_id: string; amount: number | null; tax_inclusive: boolean } {
  if (item.item_id.length === 0) {
    throw new BillingError('INVALID_REQUEST_BODY', `items.${index}.item_id is empty`, 'name the line by its product or addon id');
  }
  if (item.amount !== undefined && !Number.isSafeInteger(item.amount)) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `items.${index}.amount must be a whole number of minor units (1000 = $10.00), got ${item.amount}`,
      'send amounts in cents as integers, or omit amount to refund the whole line',
    );
  }
  return { item_id: item.item_id, amount: item.amount ?? null, tax_inclusive: item.tax_inclusive ?? true };
}

/** What the buyer paid for a line, tax included. */
export const paidOf = (line: Pick<RefundableLine, 'amount' | 'tax'>): number => line.amount + line.tax;

/** What is left to refund of a line, tax included. */
export const remainingOf = (line: RefundableLine): number => paidOf(line) - line.refunded_amount;

/**
 * `tax_inclusive: false` adds the line's pro-rata tax to the requested amount, half up:
 * tax = amount × line tax ÷ line amount. A line of 5097 + 917 tax (18 %): refunding 1000 without tax
 * returns 1000 + round(1000 × 917 / 5097 = 179.91) = 1180; refunding 5097 without tax returns
 * 5097 + 917 = 6014, the whole line. A line without tax (or of amount 0) adds nothing.
 */
export function withProRataTax(amount: number, line: Pick<RefundableLine, 'amount' | 'tax'>): number {
  if (line.amount === 0 || line.tax === 0) return amount;
  return amount + mulDivHalfUp(amount, line.tax, line.amount);
}

/**
 * SPEC §2.9 in order; the first failure wins.
 *   1. the payment succeeded                       PAYMENT_NOT_SUCCEEDED
 *   2. its total is not 0                          ZERO_AMOUNT_PAYMENT_REFUND_NOT_ALLOWED
 *   3. at most 30 days since it was made           REFUND_WINDOW_EXPIRED   (30 days exactly passes)
 *   4. no refund of it in flight                   EXISTING_REFUND_REQUEST_PROCESSING
 *   5. not fully refunded yet                      PAYMENT_ALREADY_REFUNDED
 *   6. the items: first no item_id twice in the request (DUPLICATE_LINE_ITEMS_IN_REQUEST), then each item
 *      in request order: on the payment (LINE_ITEM_NOT_FOUND), not prorated (LINE_ITEM_PRORATED), not
 *      fully refunded (LINE_ITEM_FULLY_REFUNDED), amount incl. tax ≤ what remains of the line
 *      (LINE_ITEM_REFUND_AMOUNT_TOO_HIGH), ≥ 1 minor unit (LINE_ITEM_REFUND_AMOUNT_TOO_LOW)
 *   7. earlier refunds + this one ≤ the payment's total   REFUND_AMOUNT_EXCEEDS_PAID_AMOUNT
 * Without items the refund returns what remains of every line, prorated plan-change lines included
 * (PROPOSED: LINE_ITEM_PRORATED refuses picking such a line, not refunding the whole payment). An item
 * without amount returns what remains of its line. Step 7 holds whenever the lines' bookkeeping and the
 * refund records agree (the lines sum to the total); it guards the day they do not.
 */
export function planRefund(facts: RefundFacts, request: CheckedRefundRequest): RefundPlan {
  const { payment } = facts;
  if (payment.status !== 'succeeded') {
    throw new BillingError(
      'PAYMENT_NOT_SUCCEEDED',
      `The provided payment has not succeeded: payment ${payment.payment_id} is ${payment.status}`,
      'only succeeded payments can be refunded; list_payments with status succeeded shows them',
    );
  }
  if (payment.total_amount === 0) {
    throw new BillingError(
      'ZERO_AMOUNT_PAYMENT_REFUND_NOT_ALLOWED',
      `payment ${payment.payment_id} charged 0 minor units, so there is nothing to refund`,
      'refund a payment that charged money',
    );
  }
  const age = facts.now - payment.created_at_ms;
  if (age > REFUND_WINDOW_DAYS * DAY_MS) {
    throw new BillingError(
      'REFUND_WINDOW_EXPIRED',
      `Refunds cannot be initiated ${REFUND_WINDOW_DAYS} days after payment creation: payment ${payment.payment_id} ` +
        `was made at ${iso(payment.created_at_ms)}, ${Math.floor(age / DAY_MS)} days ago`,
      'the window cannot be extended; to compensate the customer, credit their wallet (create_wallet_ledger_entry)',
    );
  }
  const inFlight = facts.refunds.find((r) => IN_FLIGHT.includes(r.status));
  if (inFlight) {
    throw new BillingError(
      'EXISTING_REFUND_REQUEST_PROCESSING',
      `A refund request with status "${inFlight.status}" is still being processed: ${inFlight.refund_id} on payment ${payment.payment_id}`,
      `wait until get_refund ${inFlight.refund_id} shows succeeded or failed, then try again`,
    );
  }
  const refundedSoFar = facts.refunds.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0);
  const remainingTotal = facts.lines.reduce((sum, l) => sum + remainingOf(l), 0);
  if (payment.refund_status === 'full' || refundedSoFar >= payment.total_amount || remainingTotal <= 0) {
    throw alreadyRefunded(payment.payment_id, refundedSoFar, payment.total_amount);
  }

  const items = request.items === null ? wholeRemainder(facts.lines, payment.total_amount - refundedSoFar) : requestedItems(facts, request.items);
  const amount = items.reduce((sum, i) => sum + i.amount, 0);
  if (refundedSoFar + amount > payment.total_amount) {
    throw new BillingError(
      'REFUND_AMOUNT_EXCEEDS_PAID_AMOUNT',
      `The calculated refund amount is larger than the paid amount: ${refundedSoFar} already refunded + ${amount} ` +
        `requested > ${payment.total_amount} paid on payment ${payment.payment_id}`,
      `refund at most ${Math.max(payment.total_amount - refundedSoFar, 0)} more; list_refunds with payment_id shows the earlier refunds`,
    );
  }

  const fullyRefunded = refundedSoFar + amount >= payment.total_amount;
  return { items, amount, is_partial: amount < payment.total_amount, refund_status: fullyRefunded ? 'full' : 'partial' };
}

function alreadyRefunded(paymentId: string, refunded: number, total: number): BillingError {
  return new BillingError(
    'PAYMENT_ALREADY_REFUNDED',
    `This payment has already been refunded: ${refunded} of ${total} minor units of payment ${paymentId} went back`,
    `list_refunds with payment_id ${paymentId} shows its refunds`,
  );
}

/**
 * No items: what remains of the payment, line by line in order, up to `left` (its total less earlier
 * refunds). A plan-change payment nets a credit line against billed ones (Pro 2032, unused Basic −677: 1355
 * paid), so its billed lines hold more than was paid: Pro is refunded 1355 of its 2032 and the credit line
 * nothing. For any other payment the lines' remainders sum to `left` exactly.
 */
function wholeRemainder(lines: readonly RefundableLine[], left: number): RefundPlan['items'] {
  const items: RefundPlan['items'] = [];
  let rest = left;
  for (const line of lines) {
    const amount = Math.min(remainingOf(line), rest);
    if (amount <= 0) continue;
    rest -= amount;
    items.push({ line_id: line.line_id, item_id: line.item_id, amount, refunded_after: line.refunded_amount + amount });
  }
  return items;
}

function requestedItems(facts: RefundFacts, requested: NonNullable<CheckedRefundRequest['items']>): RefundPlan['items'] {
  const seen = new Set<string>();
  for (const item of requested) {
    if (seen.has(item.item_id)) {
      throw new BillingError(
        'DUPLICATE_LINE_ITEMS_IN_REQUEST',
        `Duplicate item_ids specified in items array: ${item.item_id}`,
        'name each line once, with the whole amount to refund for it',
      );
    }
    seen.add(item.item_id);
  }
  const { payment_id } = facts.payment;
  return requested.map((item) => {
    const line = facts.lines.find((l) => l.item_id === item.item_id);
    const id = item.item_id;
    if (!line) {
      throw new BillingError(
        'LINE_ITEM_NOT_FOUND',
        `Line item ${id} not found in payment ${payment_id}`,
        `item_id is the product or addon id of a line: ${facts.lines.map((l) => l.item_id).join(', ')} (get_payment_line_items ${payment_id})`,
      );
    }
    if (line.is_prorated) {
      throw new BillingError(
        'LINE_ITEM_PRORATED',
        `Line item ${id} cannot be refunded because it is prorated (a plan-change adjustment, netted with the change's other lines)`,
        'omit items to refund the whole payment instead',
      );
    }
    const remaining = remainingOf(line);
    if (remaining <= 0 && line.refunded_amount > 0) {
      throw new BillingError(
        'LINE_ITEM_FULLY_REFUNDED',
        `Line item ${id} has been fully refunded and cannot be refunded further`,
        `refund another line; get_payment_line_items ${payment_id} shows refunded_amount per line`,
      );
    }
    const amount = item.amount === null ? remaining : item.tax_inclusive ? item.amount : withProRataTax(item.amount, line);
    if (amount > remaining) {
      throw new BillingError(
        'LINE_ITEM_REFUND_AMOUNT_TOO_HIGH',
        `Line item ${id} requested refund amount including tax is ${amount} which is above the paid amount ${remaining}`,
        `the line was paid ${paidOf(line)} (tax included) and ${line.refunded_amount} of it is already refunded; ` +
          `refund at most ${remaining}, or omit amount to refund the rest of the line`,
      );
    }
    if (amount < MIN_LINE_REFUND) {
      throw new BillingError(
        'LINE_ITEM_REFUND_AMOUNT_TOO_LOW',
        `Line item ${id} requested refund amount is ${item.amount ?? amount} which is too low`,
        `refund at least ${MIN_LINE_REFUND} minor unit (tax included)`,
      );
    }
    return { line_id: line.line_id, item_id: id, amount, refunded_after: line.refunded_amount + amount };
  });
}
