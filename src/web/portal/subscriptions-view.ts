import type { Response } from 'express';
import type { PortalOverview, PortalSubscription } from '../../engine/index.js';
import { csrfField } from '../csrf.js';
import { type Html, html } from '../html.js';
import { formatDate, formatMoney } from '../money-format.js';
import { type PortalRequest, shell } from './context.js';

/** "month", "3 months", "year". */
export function everyText(count: number, interval: string): string {
  const unit = interval.toLowerCase();
  return count === 1 ? unit : `${count} ${unit}s`;
}

const STATUS: Record<string, string> = {
  active: 'Active',
  on_hold: 'On hold',
  pending: 'Pending',
  cancelled: 'Cancelled',
  failed: 'Failed',
  expired: 'Expired',
};

/** One subscription: plan, status, what happens next, and what the customer can do about it. */
function subscriptionCard(portal: PortalRequest, res: Response, item: PortalSubscription, planChanges: boolean): Html {
  const sub = item.subscription;
  const at = `${portal.base}/subscriptions/${sub.subscription_id}`;
  const price = `${formatMoney(sub.recurring_pre_tax_amount, sub.currency)} / ${everyText(sub.payment_frequency_count, sub.payment_frequency_interval)}`;
  const live = sub.status === 'active' || sub.status === 'on_hold';
  const next = sub.cancel_at_next_billing_date
    ? html`<strong>Cancels on ${formatDate(sub.next_billing_date)}</strong>`
    : live
      ? html`Next billing date: <strong>${formatDate(sub.next_billing_date)}</strong>`
      : null;
  const scheduled = sub.scheduled_change;
  return html`<section class="card" aria-labelledby="h-${sub.subscription_id}">
<h2 id="h-${sub.subscription_id}">${item.product_name}${sub.quantity > 1 ? ` × ${sub.quantity}` : ''} <span class="badge">${STATUS[sub.status] ?? sub.status}</span></h2>
<p>${price}${next === null ? null : html`<br>${next}`}</p>
${scheduled === null ? null : html`<p class="notice">Scheduled: changes to <strong>${item.scheduled_product_name ?? scheduled.product_id}</strong> on ${formatDate(scheduled.effective_at)}.</p>`}
${sub.status === 'on_hold' ? html`<p class="notice error">A payment failed: ${formatMoney(sub.outstanding_amount, sub.currency)} is owed. Update your card to reactivate the subscription.</p>` : null}
${
  live
    ? html`<div class="actions">
${planChanges && sub.status === 'active' && !sub.cancel_at_next_billing_date ? html`<a class="button" href="${at}/change">Change plan</a>` : null}
<a class="button" href="${at}/card">Update card</a>
${
  sub.status === 'active'
    ? html`<form method="post" action="${at}/cancel" class="inline">${csrfField(res)}<input type="hidden" name="cancel" value="${sub.cancel_at_next_billing_date ? 'false' : 'true'}"><button type="submit">${sub.cancel_at_next_billing_date ? 'Keep my subscription' : 'Cancel at next billing date'}</button></form>`
    : null
}
</div>`
    : null
}
</section>`;
}

export function subscriptionsPage(portal: PortalRequest, res: Response, overview: PortalOverview, notice: Html | null): Html {
  const cards = overview.subscriptions.map((item) => subscriptionCard(portal, res, item, overview.plan_changes_enabled));
  return shell(
    portal,
    'subscriptions',
    'Your subscriptions',
    html`${notice}<p class="muted">Signed in as ${overview.customer.name} (${overview.customer.email})</p>
${cards.length === 0 ? html`<section class="card"><h2>Subscriptions</h2><p>You have no subscriptions.</p></section>` : cards}`,
  );
}
