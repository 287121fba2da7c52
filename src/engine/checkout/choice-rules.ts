import { normalizeEmail, normalizeName, normalizePhone } from '../rules/customer-details.js';
import { BillingError } from '../errors.js';
import { checkBillingAddress } from '../rules/billing-address.js';
import type { BillingAddress } from '../payments/types.js';
import type { CartLine } from '../rules/cart.js';
import { ADDRESS_FIELDS, type AddressField, type CheckoutChoice, type CustomerField, type EditableParts } from './page-types.js';
import type { BuyerEntered, PendingCustomer, StoredCartLine, StoredSession } from './types.js';

const refuse = (message: string, nextStep: string) => new BillingError('INVALID_REQUEST_PARAMETERS', message, nextStep);

/**
 * What the buyer may change on the checkout page. A session created with confirm=true is final (its
 * docs: "every detail is final", 15-minute life), so its cart is shown, not edited. Otherwise, as a
 * buyer of a billing system expects:
 * - the product: in collection checkouts only (SPEC §2.1 rule 6: "may switch to another candidate");
 * - quantities: yes, except a usage-based line, which is always 1 (rule 1: INVALID_QUANTITY);
 * - addons: when the subscription line's product has any attached (rule 4; never usage-based);
 * - pay-what-you-want amounts: when a line is pay-what-you-want (rule 5);
 * - the discount code: when feature_flags.allow_discount_code (rule 10: the flag shows or hides the field).
 * Example: Basic $30/month with a Seat addon, confirm=false → quantities and addons editable; the same
 * session with confirm=true → neither.
 */
export function editableOf(session: StoredSession, lines: readonly CartLine[]): EditableParts {
  const open = !session.request.confirm;
  const prices = lines.map((l) => l.product.price);
  return {
    product: open && session.product_collection_id !== null,
    quantities: open && prices.some((p) => p.type !== 'usage_based_price'),
    addons: open && lines.some((l) => l.product.price.type === 'recurring_price' && l.product.addons.length > 0),
    amounts: open && prices.some((p) => p.type === 'one_time_price' && p.pay_what_you_want),
    discount_code: session.request.feature_flags.allow_discount_code,
  };
}

/**
 * The fields the page still asks for (rules 7 and 8). A known customer (customer_id) is asked nothing.
 * Otherwise email and name when not prefilled, and the phone number when allow_phone_number_collection.
 * The address: SPEC §2.1 rule 8 asks every field of a confirmed session (zipcode and country with
 * minimal_address); the page asks the same before paying, so an invoice carries a whole address whoever
 * filled it: with no address, country, state, city, street and zipcode; with {country: "US"} prefilled,
 * the four others. Fields the buyer typed earlier stay asked (editable); merchant-prefilled ones are shown.
 */
export function needsOf(session: StoredSession): { customer: CustomerField[]; billing_address: AddressField[] } {
  const request = session.request;
  const entered = request.buyer_entered ?? { customer: [], billing_address: [] };
  const pending = request.customer ?? { email: null, name: null, phone_number: null };
  const customer: CustomerField[] =
    session.customer_id !== null
      ? []
      : [
          ...(['email', 'name'] as const).filter((f) => pending[f] === null || entered.customer.includes(f)),
          ...(request.feature_flags.allow_phone_number_collection && (pending.phone_number === null || entered.customer.includes('phone_number'))
            ? (['phone_number'] as const)
            : []),
        ];
  const address = request.billing_address;
  const billing_address = addressFieldsRequired(request.minimal_address).filter(
    (f) => address === null || address[f] === null || entered.billing_address.includes(f),
  );
  return { customer, billing_address };
}

function addressFieldsRequired(minimal: boolean): AddressField[] {
  return minimal ? ['country', 'zipcode'] : [...ADDRESS_FIELDS];
}

/**
 * The cart after the buyer's quantities, addons and amounts (the product switch is applied before, by
 * the caller, which knows the collection). Each change must be editable (editableOf) and name a line of
 * the cart; values are checked afterwards by the cart rules (checkCart), as at create.
 * Example: quantities [{Basic, 3}] on [Basic ×1] → [Basic ×3]; addons [{Seat, 0}] removes the Seat.
 */
export function applyCartChoice(lines: readonly StoredCartLine[], choice: CheckoutChoice, editable: EditableParts): StoredCartLine[] {
  let chosen = [...lines];
  const lineOf = (productId: string, what: string) => {
    if (!chosen.some((l) => l.product_id === productId)) {
      throw refuse(`${what} names product ${productId}, which is not in this checkout's cart`, 'the checkout page shows the cart');
    }
  };
  const differs = (field: 'quantity' | 'amount', values: ReadonlyArray<{ product_id: string } & Partial<Record<'quantity' | 'amount', number>>>) =>
    values.some((v) => chosen.find((l) => l.product_id === v.product_id)?.[field] !== v[field]);
  if (choice.quantities !== undefined) {
    for (const q of choice.quantities) lineOf(q.product_id, 'quantities');
    if (!editable.quantities && differs('quantity', choice.quantities)) throw fixed('quantities');
    const quantities = new Map(choice.quantities.map((q) => [q.product_id, q.quantity]));
    chosen = chosen.map((l) => ({ ...l, quantity: quantities.get(l.product_id) ?? l.quantity }));
  }
  if (choice.amounts !== undefined) {
    for (const a of choice.amounts) lineOf(a.product_id, 'amounts');
    if (!editable.amounts && differs('amount', choice.amounts)) throw fixed('pay-what-you-want amounts');
    const amounts = new Map(choice.amounts.map((a) => [a.product_id, a.amount]));
    chosen = chosen.map((l) => ({ ...l, amount: amounts.get(l.product_id) ?? l.amount }));
  }
  if (choice.addons !== undefined && choice.addons.length > 0) {
    if (!editable.addons) throw fixed('addons');
    const [line] = chosen;
    if (line === undefined) throw new Error('a checkout cart has a line');
    chosen = [{ ...line, addons: withAddons(line.addons, choice.addons) }];
  }
  return chosen;
}

/** The line's addons with the chosen quantities: a new one is added, 0 removes one, others are kept. */
function withAddons(current: StoredCartLine['addons'], chosen: NonNullable<CheckoutChoice['addons']>): StoredCartLine['addons'] {
  const quantities = new Map(current.map((a) => [a.addon_id, a.quantity]));
  for (const { addon_id, quantity } of chosen) quantities.set(addon_id, quantity);
  return [...quantities].filter(([, quantity]) => quantity !== 0).map(([addon_id, quantity]) => ({ addon_id, quantity }));
}

function fixed(what: string): BillingError {
  return refuse(`this checkout session was created with confirm=true, so its ${what} are final`, 'pay as it is, or create a new checkout session');
}

/**
 * Rule 7 on the page: details only while the session has no customer; a prefilled field cannot be
 * changed (the merchant sent it); the phone number only when allow_phone_number_collection. Each value
 * is normalised as at create (a bad email is INVALID_REQUEST_BODY now, not at payment).
 */
export function chosenCustomer(
  session: StoredSession,
  given: NonNullable<CheckoutChoice['customer']>,
): { customer: PendingCustomer; entered: CustomerField[] } {
  if (session.customer_id !== null) {
    throw refuse(`checkout session ${session.session_id} already has its customer`, 'pay without sending customer details');
  }
  const request = session.request;
  if (given.phone_number !== undefined && given.phone_number !== null && !request.feature_flags.allow_phone_number_collection) {
    throw refuse('this checkout does not collect a phone number (feature_flags.allow_phone_number_collection is false)', 'leave phone_number out');
  }
  const asked = needsOf(session).customer;
  const customer: PendingCustomer = { ...(request.customer ?? { email: null, name: null, phone_number: null }) };
  const normalized: Record<CustomerField, (v: string) => string | null> = {
    email: normalizeEmail,
    name: normalizeName,
    phone_number: normalizePhone,
  };
  const entered = new Set(request.buyer_entered?.customer ?? []);
  for (const field of ['email', 'name', 'phone_number'] as const) {
    const value = given[field];
    if (value === undefined) continue;
    const next = value === null ? null : normalized[field](value);
    if (!asked.includes(field)) {
      if (next !== customer[field]) throw refuse(`${field} was given with the checkout session and cannot be changed here`, `leave ${field} out`);
      continue;
    }
    customer[field] = next;
    entered.add(field);
  }
  return { customer, entered: [...entered] };
}

/**
 * Rule 8 on the page: the asked fields over the prefilled ones (which cannot change), checked as a
 * confirmed session's address is: every field, or zipcode and country with minimal_address. A missing
 * field is INVALID_REQUEST_BODY naming it; "QQ" is UNSUPPORTED_COUNTRY.
 */
export function chosenAddress(
  session: StoredSession,
  given: NonNullable<CheckoutChoice['billing_address']>,
): { address: BillingAddress; entered: AddressField[] } {
  const request = session.request;
  const asked = needsOf(session).billing_address;
  const current = request.billing_address;
  const merged: Record<AddressField, string | null> = {
    country: current?.country ?? null,
    street: current?.street ?? null,
    city: current?.city ?? null,
    state: current?.state ?? null,
    zipcode: current?.zipcode ?? null,
  };
  const entered = new Set(request.buyer_entered?.billing_address ?? []);
  for (const field of ADDRESS_FIELDS) {
    const value = given[field];
    if (value === undefined) continue;
    if (!asked.includes(field)) {
      const same = (value ?? '').trim().toUpperCase() === (merged[field] ?? '').toUpperCase();
      if (!same) throw refuse(`billing_address.${field} was given with the checkout session and cannot be changed here`, `leave ${field} out`);
      continue;
    }
    merged[field] = value;
    entered.add(field);
  }
  const address = checkBillingAddress({ ...merged, country: merged.country ?? '' }, request.minimal_address ? 'minimal' : 'full');
  return { address, entered: [...entered] };
}

/** The record of what the buyer typed, with the fields just entered added. */
export function enteredAfter(session: StoredSession, customer: CustomerField[] | null, address: AddressField[] | null): BuyerEntered | undefined {
  const before = session.request.buyer_entered;
  if (customer === null && address === null) return before;
  return { customer: customer ?? before?.customer ?? [], billing_address: address ?? before?.billing_address ?? [] };
}
