import type { Response } from 'express';
import type { Customer, Invoice, Payment, PortalLicenseKey, PortalOverview, PortalSubscription } from '../../engine/index.js';
import { csrfField } from '../csrf.js';
import { type Html, html } from '../html.js';
import { formatDate, formatMoney } from '../money-format.js';
import { errorNotice, type PortalRequest, shell } from './context.js';

const PAYMENT_STATUS: Record<string, string> = { succeeded: 'Paid', failed: 'Failed', processing: 'Processing', cancelled: 'Cancelled' };

/** Payments newest first with their invoices, and the wallet balances. */
export function billingPage(portal: PortalRequest, overview: PortalOverview): Html {
  // The plan a payment paid for may since have changed: the receipt names its lines.
  const what = (p: Payment) => (p.subscription_id === null ? 'One-time purchase' : 'Subscription');
  const rows = overview.payments.map(
    (p: Payment) =>
      html`<tr><td>${formatDate(p.created_at)}</td><td>${what(p)}</td><td>${PAYMENT_STATUS[p.status] ?? p.status}${p.refund_status === null ? null : html` <span class="badge">refunded (${p.refund_status})</span>`}</td><td class="num">${formatMoney(p.total_amount, p.currency)}</td><td>${p.invoice_id === null ? html`<span class="muted">—</span>` : html`<a href="${portal.base}/billing/${p.payment_id}">Receipt</a>`}</td></tr>`,
  );
  return shell(
    portal,
    'billing',
    'Billing history',
    html`<section class="card"><h2>Credit balance</h2><ul>${overview.wallets.items.map((w) => html`<li>${w.currency}: <strong>${formatMoney(w.balance, w.currency)}</strong></li>`)}</ul>
<p class="muted">Credit is used on your subscription bills before your card.</p></section>
<section class="card"><h2>Payments</h2>
${
  rows.length === 0
    ? html`<p>No payments yet.</p>`
    : html`<table><thead><tr><th scope="col">Date</th><th scope="col">For</th><th scope="col">Status</th><th scope="col" class="num">Amount</th><th scope="col">Invoice</th></tr></thead><tbody>${rows}</tbody></table>`
}
</section>`,
  );
}

/** A receipt: the invoice's lines, discount, tax and total, and how it was paid. */
export function invoicePage(portal: PortalRequest, invoice: Invoice): Html {
  const money = (amount: number) => formatMoney(amount, invoice.currency);
  const card = invoice.payment_method.card_last_four;
  return shell(
    portal,
    'billing',
    `Receipt #${invoice.number}`,
    html`<section class="card"><h2>Receipt #${invoice.number}</h2>
<p>Paid on ${formatDate(invoice.issued_at)}${card === null ? null : html` with ${invoice.payment_method.card_network ?? 'card'} ending ${card}`}.${invoice.period === null ? null : html`<br>Period: ${formatDate(invoice.period.start)} – ${formatDate(invoice.period.end)}`}</p>
<table><thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Tax</th><th scope="col" class="num">Total</th></tr></thead>
<tbody>${invoice.lines.map(
      (l) =>
        html`<tr><td>${l.name}</td><td class="num">${l.quantity}</td><td class="num">${money(l.amount)}</td><td class="num">${money(l.tax)}</td><td class="num">${money(l.total)}</td></tr>`,
    )}
<tr><td colspan="4">Subtotal</td><td class="num">${money(invoice.subtotal)}</td></tr>
${invoice.discount_amount > 0 ? html`<tr><td colspan="4">Discount</td><td class="num">${money(-invoice.discount_amount)}</td></tr>` : null}
<tr><td colspan="4">Tax${invoice.tax_rate_bps > 0 ? ` (${invoice.tax_rate_bps / 100} %)` : ''}</td><td class="num">${money(invoice.tax)}</td></tr>
<tr class="total"><td colspan="4">Total</td><td class="num">${money(invoice.total_amount)}</td></tr></tbody></table>
<p class="muted">${invoice.brand.name}${invoice.brand.support_email === null ? null : html` · ${invoice.brand.support_email}`}</p>
<p><a href="${portal.base}/billing">Back to billing history</a></p></section>`,
  );
}

function keyCard(portal: PortalRequest, res: Response, item: PortalLicenseKey): Html {
  const key = item.license_key;
  const limit = key.activations_limit === null ? 'unlimited' : String(key.activations_limit);
  return html`<section class="card"><h2>${item.product_name} <span class="badge">${key.status}</span></h2>
<p><code class="key">${key.key}</code><br><span class="muted">${key.instances_count} of ${limit} activations used${key.expires_at === null ? '' : ` · expires ${formatDate(key.expires_at)}`}</span></p>
${
  item.activations.length === 0
    ? html`<p class="muted">Not activated on any device.</p>`
    : html`<table><caption class="sr-only">Activations of ${item.product_name}</caption><thead><tr><th scope="col">Device</th><th scope="col">Activated</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead><tbody>${item.activations.map(
        (a) =>
          html`<tr><td>${a.name}</td><td>${formatDate(a.created_at)}</td><td class="num"><form method="post" action="${portal.base}/licenses/${a.id}/deactivate" class="inline">${csrfField(res)}<button type="submit" aria-label="Deactivate ${a.name}">Deactivate</button></form></td></tr>`,
      )}</tbody></table>`
}
</section>`;
}

export function licensesPage(portal: PortalRequest, res: Response, overview: PortalOverview, notice: Html | null, error: string | null): Html {
  return shell(
    portal,
    'licenses',
    'License keys',
    html`${notice}${errorNotice(error)}${
      overview.license_keys.length === 0
        ? html`<section class="card"><h2>License keys</h2><p>You have no license keys.</p></section>`
        : overview.license_keys.map((k) => keyCard(portal, res, k))
    }`,
  );
}

export interface ProfileValues {
  name: string;
  phone_number: string;
}

export function profilePage(
  portal: PortalRequest,
  res: Response,
  customer: Customer,
  values: ProfileValues,
  notice: Html | null,
  error: string | null,
): Html {
  return shell(
    portal,
    'profile',
    'Profile',
    html`${notice}<section class="card"><h2>Profile</h2>${errorNotice(error)}
<form method="post" action="${portal.base}/profile">
${csrfField(res)}
<label for="email">Email</label><input type="email" id="email" value="${customer.email}" readonly aria-describedby="email-help"><p class="muted" id="email-help">Contact the seller to change your email.</p>
<label for="name">Name</label><input type="text" id="name" name="name" value="${values.name}" required maxlength="200" autocomplete="name">
<label for="phone_number">Phone</label><input type="tel" id="phone_number" name="phone_number" value="${values.phone_number}" autocomplete="tel" placeholder="+14155550100">
<button type="submit" class="primary">Save</button>
</form></section>`,
  );
}

export interface CardValues {
  number: string;
  expiry: string;
}

/** A new card for one subscription; on an on_hold subscription saving it pays what is owed. */
export function cardPage(portal: PortalRequest, res: Response, item: PortalSubscription, values: CardValues, error: string | null): Html {
  const sub = item.subscription;
  const onHold = sub.status === 'on_hold';
  return shell(
    portal,
    'subscriptions',
    'Update card',
    html`<section class="card"><h2>Update card for ${item.product_name}</h2>${errorNotice(error)}
${onHold ? html`<p>Saving a card charges the ${formatMoney(sub.outstanding_amount, sub.currency)} owed and reactivates your subscription.</p>` : html`<p>Your next payments will use this card.</p>`}
<form method="post" action="${portal.base}/subscriptions/${sub.subscription_id}/card">
${csrfField(res)}
<label for="card_number">Card number</label><input type="text" id="card_number" name="card_number" value="${values.number}" inputmode="numeric" autocomplete="cc-number" required placeholder="4242 4242 4242 4242">
<div class="row"><div><label for="card_expiry">Expiry (MM/YY)</label><input type="text" id="card_expiry" name="card_expiry" value="${values.expiry}" autocomplete="cc-exp" required placeholder="06/32"></div>
<div><label for="card_cvc">CVC</label><input type="text" id="card_cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" required maxlength="4" placeholder="123"></div></div>
<button type="submit" class="primary">${onHold ? `Save card and pay ${formatMoney(sub.outstanding_amount, sub.currency)}` : 'Save card'}</button>
</form>
<p><a href="${portal.base}">Back to your subscriptions</a></p></section>`,
  );
}
