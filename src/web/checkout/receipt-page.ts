import type { CheckoutReceipt } from '../../engine/index.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import { formatDate } from '../money-format.js';
import { summaryTable } from './summary.js';

/**
 * The receipt of a paid session, reached by its session id like the checkout page: what was bought (the
 * invoice's lines, else the summary), amounts, the payment id and card, the invoice number, the
 * subscription started and the license keys issued (the buyer's own: they paid for them).
 */
export function receiptPageHtml(receipt: CheckoutReceipt): Html {
  const { payment, invoice, session, license_keys } = receipt;
  const totals = invoice ?? { ...session.summary, total_amount: payment.total_amount };
  return page({
    title: 'Receipt',
    brand: receipt.brand.name,
    theme: session.customization.theme,
    body: html`<section class="card" aria-labelledby="receipt-title">
<h2 id="receipt-title">Payment received</h2>
<p class="notice ok" role="status">Thank you, ${payment.customer.name}. Paid by ${payment.customer.email}.</p>
${summaryTable(totals)}
<dl class="known">
<dt>Payment</dt><dd><code>${payment.payment_id}</code> · ${payment.status} · ${formatDate(payment.created_at)}</dd>
${payment.card_last_four ? html`<dt>Card</dt><dd>${payment.card_network ?? 'Card'} ending ${payment.card_last_four}</dd>` : null}
${invoice ? html`<dt>Invoice</dt><dd>No. ${invoice.number} (<code>${invoice.invoice_id}</code>), issued ${formatDate(invoice.issued_at)}</dd>` : null}
${session.subscription_id ? html`<dt>Subscription</dt><dd><code>${session.subscription_id}</code>${session.trial_period_days ? ` · ${session.trial_period_days}-day trial` : ''}</dd>` : null}
</dl>
</section>
${license_keys.length > 0 ? licenseKeys(receipt) : null}`,
  });
}

function licenseKeys({ license_keys, session }: CheckoutReceipt): Html {
  const nameOf = (productId: string) => session.product_cart.find((l) => l.product_id === productId)?.name ?? productId;
  return html`<section class="card" aria-labelledby="keys-title">
<h2 id="keys-title">Your license ${license_keys.length === 1 ? 'key' : 'keys'}</h2>
<table>
<thead><tr><th scope="col">Product</th><th scope="col">Key</th><th scope="col">Activations</th></tr></thead>
<tbody>
${license_keys.map(
  (key) =>
    html`<tr><td>${nameOf(key.product_id)}</td><td><code class="license-key">${key.key}</code>${key.expires_at ? html`<br><span class="muted">expires ${formatDate(key.expires_at)}</span>` : null}</td><td>${key.activations_limit === null ? 'unlimited' : `up to ${key.activations_limit}`}</td></tr>`,
)}
</tbody>
</table>
</section>`;
}
