import type { AddressField, CheckoutCartItem, CheckoutPage, CheckoutProduct, CustomerField } from '../../engine/index.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import { formatMoney } from '../money-format.js';
import type { KeptField } from './forms.js';
import { periodText, summaryTable } from './summary.js';

/** Which part of the page an inline error belongs to. */
export type ProblemPlace = 'order' | 'discount' | 'pay';

export interface CheckoutRender {
  csrf: Html;
  problem?: { place: ProblemPlace; message: string } | undefined;
  /** What the buyer typed into the pay form, filled back in after a failed payment (never the card number). */
  kept?: Partial<Record<KeptField, string>> | undefined;
}

/**
 * The open checkout page: the order (a collection's products by group, or the cart), the discount code,
 * the buyer's details, the card, and the summary. Three forms (order, code, pay), each posting back here
 * (PRG); the order form re-submits on change when scripts run, with an Update button otherwise.
 */
export function checkoutPageHtml(view: CheckoutPage, render: CheckoutRender): Html {
  const { session } = view;
  const base = `/checkout/${session.id}`;
  return page({
    title: 'Checkout',
    brand: view.brand.name,
    theme: session.customization.theme,
    body: html`<div class="grid">
<div>
${orderSection(view, base, render)}
${view.editable.discount_code ? discountSection(view, base, render) : null}
${paySection(view, base, render)}
</div>
<aside>
<section class="card" aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
${summaryTable(session.summary, view.credit)}
${dueNow(view)}
</section>
</aside>
</div>`,
  });
}

function problemNotice(render: CheckoutRender, place: ProblemPlace): Html | null {
  return render.problem?.place === place ? html`<p class="notice error" role="alert" id="${place}-error">${render.problem.message}</p>` : null;
}

function orderSection(view: CheckoutPage, base: string, render: CheckoutRender): Html {
  const { session, editable } = view;
  const currency = session.summary.currency;
  const anyEditable = editable.product || editable.quantities || editable.addons || editable.amounts;
  const body = html`${view.collection ? offerFieldset(view) : session.product_cart.map((line) => cartLine(view, line))}
${view.collection ? session.product_cart.map((line) => lineControls(view, line)) : null}
${view.addons.length > 0 ? addonsFieldset(view, currency) : null}`;
  return html`<section class="card" id="order" aria-labelledby="order-title">
<h2 id="order-title">${view.collection ? view.collection.name : 'Your order'}</h2>
${problemNotice(render, 'order')}
${
  anyEditable
    ? html`<form method="post" action="${base}/choose">${render.csrf}
${body}
<button type="submit" data-autosubmit-button data-noscript-only>Update</button>
</form>`
    : body
}
${session.trial_period_days ? html`<p class="muted">Free for ${session.trial_period_days} days; the first charge is at the end of the trial.</p>` : null}
</section>`;
}

/** The collection's products by group as radio buttons, the selected one checked (SPEC §2.1 rule 6). */
function offerFieldset(view: CheckoutPage): Html[] {
  const selected = view.session.selected_product_id;
  return (view.collection?.groups ?? []).map(
    (group) => html`<fieldset>
<legend>${group.group_name ?? 'Plans'}</legend>
${group.products.map((product) => offerChoice(product, product.product_id === selected, view.editable.product))}
</fieldset>`,
  );
}

function offerChoice(product: CheckoutProduct, checked: boolean, enabled: boolean): Html {
  const every = product.payment_frequency_interval ? periodText(product.payment_frequency_count ?? 1, product.payment_frequency_interval) : null;
  return html`<label class="choice"><input type="radio" name="product" value="${product.product_id}"${checked ? html` checked` : ''}${enabled ? html` data-autosubmit` : html` disabled`}>
<span><strong>${product.name}</strong>${product.description ? html`<br><span class="muted">${product.description}</span>` : null}${product.trial_period_days ? html`<br><span class="badge">${product.trial_period_days}-day trial</span>` : null}</span>
<span class="price">${formatMoney(product.price, product.currency)}${every ? html`<span class="muted"> ${every}</span>` : null}</span></label>`;
}

/** A cart line: its name and price, then its quantity and amount controls. */
function cartLine(view: CheckoutPage, line: CheckoutCartItem): Html {
  const summaryLine = view.session.summary.lines.find((l) => l.item_id === line.product_id && l.kind === 'product');
  const every = view.billing_period ? periodText(view.billing_period.count, view.billing_period.interval) : null;
  return html`<div class="line">
<p class="line-head"><strong>${line.name}</strong> <span class="price">${summaryLine ? formatMoney(summaryLine.unit_price, view.session.summary.currency) : ''}${every ? html`<span class="muted"> ${every}</span>` : null}</span></p>
${lineControls(view, line)}
</div>`;
}

function lineControls(view: CheckoutPage, line: CheckoutCartItem): Html {
  const id = line.product_id;
  const quantity = view.editable.quantities
    ? html`<label for="qty-${id}">Quantity of ${line.name}</label><input type="number" id="qty-${id}" name="quantity[${id}]" min="1" step="1" value="${line.quantity}" data-autosubmit>`
    : html`<p class="muted">Quantity: ${line.quantity}</p>`;
  const amount =
    line.pay_what_you_want && view.editable.amounts
      ? html`<label for="amount-${id}">Pay what you want for ${line.name} (${view.session.summary.currency})</label><input type="text" inputmode="decimal" id="amount-${id}" name="amount[${id}]" value="${line.amount === null ? '' : (line.amount / 100).toFixed(2)}" data-autosubmit>`
      : null;
  return html`${quantity}${amount}`;
}

function addonsFieldset(view: CheckoutPage, currency: string): Html {
  const every = view.billing_period ? periodText(view.billing_period.count, view.billing_period.interval) : '';
  return html`<fieldset>
<legend>Add-ons</legend>
${view.addons.map((addon) =>
  view.editable.addons
    ? html`<label for="addon-${addon.addon_id}">${addon.name} (${formatMoney(addon.price, addon.currency)} each ${every})</label>
<input type="number" id="addon-${addon.addon_id}" name="addon_qty[${addon.addon_id}]" min="0" step="1" value="${addon.quantity}" data-autosubmit>`
    : html`<p>${addon.name}: ${addon.quantity} × ${formatMoney(addon.price, currency)}</p>`,
)}
</fieldset>`;
}

function discountSection(view: CheckoutPage, base: string, render: CheckoutRender): Html {
  const { session } = view;
  const applied = session.discount_code;
  return html`<section class="card" id="discount" aria-labelledby="discount-title">
<h2 id="discount-title">Discount code</h2>
${problemNotice(render, 'discount')}
${
  applied
    ? html`<form method="post" action="${base}/discount" class="applied">${render.csrf}
<p class="notice ok">Code <strong>${applied}</strong> applied: ${formatMoney(-session.summary.discount_amount, session.summary.currency)}</p>
<input type="hidden" name="remove" value="1"><button type="submit">Remove</button>
</form>`
    : html`<form method="post" action="${base}/discount">${render.csrf}
<label for="discount_code">Code</label>
<div class="row"><input type="text" id="discount_code" name="discount_code" autocomplete="off" required${render.problem?.place === 'discount' ? html` aria-invalid="true" aria-describedby="discount-error"` : ''}>
<button type="submit">Apply</button></div>
</form>`
}
</section>`;
}

const FIELD_LABELS: Record<CustomerField | AddressField, { label: string; type: string; autocomplete: string; required: boolean }> = {
  email: { label: 'Email', type: 'email', autocomplete: 'email', required: true },
  name: { label: 'Full name', type: 'text', autocomplete: 'name', required: true },
  phone_number: { label: 'Phone (optional)', type: 'tel', autocomplete: 'tel', required: false },
  country: { label: 'Country (2-letter code, e.g. US)', type: 'text', autocomplete: 'country', required: true },
  state: { label: 'State / region', type: 'text', autocomplete: 'address-level1', required: true },
  city: { label: 'City', type: 'text', autocomplete: 'address-level2', required: true },
  street: { label: 'Street address', type: 'text', autocomplete: 'street-address', required: true },
  zipcode: { label: 'ZIP / postal code', type: 'text', autocomplete: 'postal-code', required: true },
};

/**
 * An asked field, filled with what the buyer typed in the failed POST, else what they entered before
 * (choose() stored it: a field the buyer typed stays editable, SPEC §2.1 rules 7–8 on the page).
 */
function inputField(field: CustomerField | AddressField, view: CheckoutPage, render: CheckoutRender): Html {
  const { label, type, autocomplete, required } = FIELD_LABELS[field];
  const value = render.kept?.[field] ?? storedValue(view, field) ?? '';
  return html`<label for="${field}">${label}</label><input type="${type}" id="${field}" name="${field}" autocomplete="${autocomplete}" value="${value}"${required ? html` required` : ''}>`;
}

function storedValue({ session }: CheckoutPage, field: CustomerField | AddressField): string | null {
  if (field === 'email') return session.customer_email;
  if (field === 'name') return session.customer_name;
  if (field === 'phone_number') return null;
  return session.billing_address?.[field] ?? null;
}

function knownDetails(view: CheckoutPage): Html | null {
  const { session, needs } = view;
  const rows: Array<[string, string | null]> = [
    ['Email', needs.customer.includes('email') ? null : session.customer_email],
    ['Name', needs.customer.includes('name') ? null : session.customer_name],
  ];
  return definitionList(rows);
}

/** The billing address: prefilled fields as text, the ones still needed as inputs (SPEC §2.1 rule 8). */
function billingFieldset(view: CheckoutPage, render: CheckoutRender): Html | null {
  const address = view.session.billing_address;
  const needed = view.needs.billing_address;
  const shown: Array<[string, string | null]> = (['street', 'city', 'state', 'zipcode', 'country'] as const)
    .filter((field) => !needed.includes(field))
    .map((field) => [FIELD_LABELS[field].label.replace(/ \(.*\)$/, ''), address?.[field] ?? null]);
  const known = definitionList(shown);
  if (needed.length === 0 && known === null) return null;
  return html`<fieldset><legend>Billing address</legend>${known}${needed.map((f) => inputField(f, view, render))}</fieldset>`;
}

function definitionList(rows: ReadonlyArray<[string, string | null]>): Html | null {
  const present = rows.filter((row): row is [string, string] => row[1] !== null && row[1] !== '');
  return present.length === 0 ? null : html`<dl class="known">${present.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;
}

function paySection(view: CheckoutPage, base: string, render: CheckoutRender): Html {
  const { needs } = view;
  const saved = view.saved_payment_methods;
  const chosen = render.kept?.payment_method ?? saved[0]?.payment_method_id ?? 'card';
  return html`<form method="post" action="${base}/pay">${render.csrf}
<section class="card" aria-labelledby="details-title">
<h2 id="details-title">Your details</h2>
${knownDetails(view)}
${needs.customer.map((f) => inputField(f, view, render))}
${billingFieldset(view, render)}
</section>
<section class="card" aria-labelledby="payment-title">
<h2 id="payment-title">Payment</h2>
${problemNotice(render, 'pay')}
${
  saved.length > 0
    ? html`<fieldset><legend>Pay with</legend>
${saved.map((m) => html`<label class="choice"><input type="radio" name="payment_method" value="${m.payment_method_id}"${chosen === m.payment_method_id ? html` checked` : ''}> ${m.card.brand} ending ${m.card.last4} (expires ${String(m.card.exp_month).padStart(2, '0')}/${m.card.exp_year})</label>`)}
<label class="choice"><input type="radio" name="payment_method" value="card"${chosen === 'card' ? html` checked` : ''}> A new card</label>
</fieldset>`
    : null
}
<p class="muted">Test mode: pay with 4242 4242 4242 4242, any future expiry (06/32) and any CVC; 4000 0000 0000 0002 is declined.</p>
<label for="card_number">Card number</label>
<input type="text" id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234"${saved.length === 0 ? html` required` : ''}>
<div class="row">
<div><label for="card_expiry">Expiry (MM/YY)</label><input type="text" id="card_expiry" name="card_expiry" inputmode="numeric" autocomplete="cc-exp" placeholder="MM/YY" value="${render.kept?.card_expiry ?? ''}"${saved.length === 0 ? html` required` : ''}></div>
<div><label for="card_cvc">CVC</label><input type="text" id="card_cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123"${saved.length === 0 ? html` required` : ''}></div>
</div>
<label for="card_name">Name on card</label>
<input type="text" id="card_name" name="card_name" autocomplete="cc-name" value="${render.kept?.card_name ?? ''}">
<button type="submit" class="primary">Pay ${formatMoney(view.due_now, view.session.summary.currency)}</button>
</section>
</form>`;
}

function dueNow(view: CheckoutPage): Html | null {
  const { session } = view;
  const currency = session.summary.currency;
  if (view.due_now === session.summary.total_amount) return null;
  return html`<p><strong>Due today: ${formatMoney(view.due_now, currency)}</strong>${
    session.trial_period_days
      ? html`<br><span class="muted">then ${formatMoney(session.summary.total_amount, currency)} when the trial ends</span>`
      : null
  }</p>`;
}
