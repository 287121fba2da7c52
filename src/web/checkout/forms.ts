import { ADDRESS_FIELDS, type AddressField, type CheckoutChoice, type CustomerField, type PayWith } from '../../engine/index.js';
import { cardOf, type FormFields, FormProblem } from '../forms.js';

/**
 * The order form (POST /checkout/:id/choose): the product radio, quantities, addon quantities and
 * pay-what-you-want amounts as the buyer typed them ("8" or "8.00" dollars → 800). When the buyer picked
 * another product, the old product's quantities and addons no longer apply, so only the switch is sent.
 */
export function orderChoiceOf(form: FormFields, current: { product_id: string | null; currency: string }): CheckoutChoice {
  const product_id = form.text('product');
  if (product_id !== undefined && product_id !== current.product_id) return { product_id };
  const quantities = [...form.keyed('quantity')].map(([id, text]) => ({ product_id: id, quantity: wholeNumber(text, 'quantity') }));
  const addons = [...form.keyed('addon_qty')].map(([id, text]) => ({ addon_id: id, quantity: wholeNumber(text, 'add-on quantity') }));
  const amounts = [...form.keyed('amount')].map(([id, text]) => ({ product_id: id, amount: minorUnitsOf(text, current.currency) }));
  return {
    ...(quantities.length > 0 && { quantities }),
    ...(addons.length > 0 && { addons }),
    ...(amounts.length > 0 && { amounts }),
  };
}

function wholeNumber(text: string, what: string): number {
  if (!/^\d{1,6}$/.test(text)) throw new FormProblem(`Enter the ${what} as a whole number, e.g. 2.`);
  return Number(text);
}

/**
 * An amount typed in the currency's major unit, as minor units: "8" → 800, "8.5" → 850, "1,500.00" →
 * 150000 (both supported currencies, USD and INR, have 2 decimals). Anything else is a FormProblem.
 */
export function minorUnitsOf(text: string, currency: string): number {
  const cleaned = text.replace(/[,\s]/g, '').replace(/^[$₹]/, '');
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) throw new FormProblem(`Enter an amount in ${currency}, e.g. 8.00.`);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** The details part of the pay form: only the fields the page asked for (prefilled ones are not fields). */
export function detailsChoiceOf(
  form: FormFields,
  needs: { customer: readonly CustomerField[]; billing_address: readonly AddressField[] },
): CheckoutChoice {
  const customer = Object.fromEntries(needs.customer.map((f): [string, string | undefined] => [f, form.text(f)]).filter(([, v]) => v !== undefined));
  const address = Object.fromEntries(
    ADDRESS_FIELDS.filter((f) => needs.billing_address.includes(f)).map((f): [string, string | null] => [f, form.text(f) ?? null]),
  );
  return {
    ...(Object.keys(customer).length > 0 && { customer }),
    ...(needs.billing_address.length > 0 && { billing_address: address }),
  };
}

/** How the buyer pays: a saved method (payment_method=pm_…) or the card typed in (cardOf). */
export function payWithOf(form: FormFields): PayWith {
  const saved = form.text('payment_method');
  if (saved !== undefined && saved !== 'card') return { payment_method_id: saved };
  return { card: cardOf(form) };
}

/** Fields typed into the pay form that a re-rendered page fills back in: never the card number or CVC. */
export const KEPT_FIELDS = ['email', 'name', 'phone_number', ...ADDRESS_FIELDS, 'card_expiry', 'card_name', 'payment_method'] as const;
export type KeptField = (typeof KEPT_FIELDS)[number];

export function keptValuesOf(form: FormFields): Partial<Record<KeptField, string>> {
  return Object.fromEntries(KEPT_FIELDS.map((f): [KeptField, string | undefined] => [f, form.kept(f)]).filter(([, v]) => v !== undefined));
}
