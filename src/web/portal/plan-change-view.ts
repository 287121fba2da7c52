import type { Response } from 'express';
import type { PlanChangeOption, PortalChangePreview, PortalPlanOptions } from '../../engine/index.js';
import { csrfField } from '../csrf.js';
import { type Html, html } from '../html.js';
import { formatDate, formatMoney } from '../money-format.js';
import { errorNotice, type PortalRequest, shell } from './context.js';
import { everyText } from './subscriptions-view.js';

function optionPrice(option: PlanChangeOption): string {
  const every = everyText(option.payment_frequency_count, option.payment_frequency_interval);
  return option.recurring_amount === null ? '' : `${formatMoney(option.recurring_amount, option.currency)} / ${every}`;
}

/** What choosing the option does now, in words: "$33.33 now", "$33.33 credit", "from the next billing date". */
function optionEffect(option: PlanChangeOption): string {
  if (option.effective_at === 'next_billing_date') return 'Starts at your next billing date; nothing charged now';
  if ((option.charge_now ?? 0) > 0) return `${formatMoney(option.charge_now ?? 0, option.currency)} charged now`;
  if ((option.credit_amount ?? 0) > 0) return `${formatMoney(option.credit_amount ?? 0, option.currency)} credit for unused time`;
  return 'Nothing charged now';
}

/** The plans to move to: the allowed ones to pick from, the others listed with why they are not offered. */
export function planOptionsPage(portal: PortalRequest, plans: PortalPlanOptions): Html {
  const sub = plans.subscription;
  const at = `${portal.base}/subscriptions/${sub.subscription.subscription_id}/change`;
  const allowed = plans.options.filter((o) => o.allowed);
  const refused = plans.options.filter((o) => !o.allowed);
  const body =
    plans.unavailable !== null
      ? html`<p>${plans.unavailable}</p>`
      : html`${
          allowed.length === 0
            ? html`<p>No other plan is open to you right now.</p>`
            : html`<form method="get" action="${at}/review">
<fieldset><legend>Choose your new plan</legend>
${allowed.map(
  (o, i) => html`<label class="choice"><input type="radio" name="product_id" value="${o.product_id}"${i === 0 ? html` checked` : ''}>
<span><strong>${o.name}</strong><br><span class="muted">${optionEffect(o)}</span></span><span class="price">${optionPrice(o)}</span></label>`,
)}
</fieldset>
<button type="submit" class="primary">Review the change</button>
</form>`
        }
${
  refused.length === 0
    ? null
    : html`<h3>Not available</h3><ul class="muted">${refused.map((o) => html`<li><strong>${o.name}</strong>: ${reasonText(o.reason)}</li>`)}</ul>`
}`;
  return shell(
    portal,
    'subscriptions',
    'Change plan',
    html`<section class="card"><h2>Change plan</h2>
<p>Current plan: <strong>${sub.product_name}</strong>, ${formatMoney(sub.subscription.recurring_pre_tax_amount, sub.subscription.currency)} / ${everyText(sub.subscription.payment_frequency_count, sub.subscription.payment_frequency_interval)}</p>
${body}
<p><a href="${portal.base}">Back to your subscriptions</a></p></section>`,
  );
}

/** The collection's reason as a customer reads it (the engine's wording names its settings). */
function reasonText(reason: string | null): string {
  if (reason === null) return 'not offered';
  if (reason.includes('allow_downgrades')) return 'moving to a cheaper plan is not offered';
  if (reason.includes('allow_upgrades')) return 'moving to a dearer plan is not offered';
  if (reason.includes('force_same_billing_interval')) return 'only plans billed as often as yours are offered';
  if (reason.includes('UNSUPPORTED_CURRENCY')) return 'priced in another currency';
  return 'not offered for this subscription';
}

/** The confirmation: each line of the preview, the total charged (or credited), and when it takes effect. */
export function reviewPage(portal: PortalRequest, res: Response, change: PortalChangePreview, error: string | null): Html {
  const { preview, option } = change;
  const currency = preview.immediate_charge.summary.currency;
  const money = (amount: number) => formatMoney(amount, currency);
  const summary = preview.immediate_charge.summary;
  const scheduled = preview.effective_at === 'next_billing_date';
  const at = `${portal.base}/subscriptions/${preview.subscription_id}/change`;
  const lines = preview.immediate_charge.line_items;
  const table = html`<table>
<caption class="sr-only">What this change charges now</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
${lines.map(
  (line) =>
    html`<tr><td>${line.name}${line.quantity > 1 ? ` × ${line.quantity}` : ''}${line.proration_factor !== null && line.is_prorated ? html` <span class="muted">(${Math.round(Number(line.proration_factor) * 1000) / 10} % of the period)</span>` : null}</td><td class="num">${money(line.amount)}</td></tr>`,
)}
${summary.code_discount > 0 ? html`<tr><td>Discount</td><td class="num">${money(-summary.code_discount)}</td></tr>` : null}
${summary.customer_credits > 0 ? html`<tr><td>Credit applied</td><td class="num">${money(-summary.customer_credits)}</td></tr>` : null}
${summary.tax > 0 ? html`<tr><td>Tax</td><td class="num">${money(summary.tax)}</td></tr>` : null}
<tr class="total"><td>Charged now</td><td class="num" data-testid="charge-total">${money(summary.total_amount)}</td></tr>
</tbody></table>`;
  return shell(
    portal,
    'subscriptions',
    'Confirm your plan change',
    html`<section class="card"><h2>Change to ${option.name}</h2>
${errorNotice(error)}
<p>From ${money(preview.old_recurring_amount)} to <strong>${money(preview.new_recurring_amount)} / ${everyText(option.payment_frequency_count, option.payment_frequency_interval)}</strong>.</p>
${
  scheduled
    ? html`<p data-testid="effective">Takes effect on <strong>${formatDate(preview.immediate_charge.effective_at)}</strong>, your next billing date. Nothing is charged now; from then you pay the new price.</p>`
    : html`<p data-testid="effective">Takes effect <strong>immediately</strong>.</p>${lines.length > 0 ? table : html`<p>Nothing is charged now.</p>`}`
}
${preview.credit_amount > 0 ? html`<p data-testid="credit">${money(preview.credit_amount)} of credit is added to your subscription and used on your next bills.</p>` : null}
<form method="post" action="${at}">
${csrfField(res)}
<input type="hidden" name="product_id" value="${option.product_id}">
<input type="hidden" name="expected_total" value="${summary.total_amount}">
<input type="hidden" name="expected_credit" value="${preview.credit_amount}">
<button type="submit" class="primary">${summary.total_amount > 0 ? `Confirm and pay ${money(summary.total_amount)}` : 'Confirm the change'}</button>
</form>
<p><a href="${at}">Choose another plan</a> · <a href="${portal.base}">Keep my current plan</a></p></section>`,
  );
}
