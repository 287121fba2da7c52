import type { CheckoutCredit, Interval } from '../../engine/index.js';
import { type Html, html } from '../html.js';
import { formatMoney } from '../money-format.js';

/** The lines and totals a summary or an invoice shows (both have these fields). */
export interface TotalsView {
  currency: string;
  lines: ReadonlyArray<{ item_id: string; name: string; quantity: number; amount: number; discount_amount: number }>;
  subtotal: number;
  discount_amount: number;
  tax: number;
  total_amount: number;
}

/**
 * Lines before discounts, then subtotal, discount, tax, credit and total, in the currency's format: a
 * $30.00 plan with a 10 % code → Basic $30.00, Subtotal $30.00, Discount -$3.00, Tax $0.00, Total $27.00
 * (SPEC §2.2: a line's amount is after its discounts, so amount + discount_amount is what it cost before).
 * With wallet credit (SPEC §2.5) the total is what the card is charged.
 */
export function summaryTable(totals: TotalsView, credit: CheckoutCredit | null = null): Html {
  const money = (minor: number) => formatMoney(minor, totals.currency);
  return html`<table>
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
${totals.lines.map((line) => html`<tr><td>${line.name}${line.quantity === 1 ? '' : html` <span class="muted">× ${line.quantity}</span>`}</td><td class="num">${money(line.amount + line.discount_amount)}</td></tr>`)}
</tbody>
<tfoot>
<tr><td>Subtotal</td><td class="num">${money(totals.subtotal + totals.discount_amount)}</td></tr>
${totals.discount_amount > 0 ? html`<tr><td>Discount</td><td class="num">${money(-totals.discount_amount)}</td></tr>` : null}
<tr><td>Tax</td><td class="num">${money(totals.tax)}</td></tr>
${credit ? html`<tr><td>Wallet credit</td><td class="num">${money(-credit.applied)}</td></tr>` : null}
<tr class="total"><td>Total</td><td class="num" data-total>${money(credit ? credit.total_after_credit : totals.total_amount)}</td></tr>
</tfoot>
</table>`;
}

/** "per month", "every 3 months", "per year". */
export function periodText(count: number, interval: Interval): string {
  const unit = interval.toLowerCase();
  return count === 1 ? `per ${unit}` : `every ${count} ${unit}s`;
}
