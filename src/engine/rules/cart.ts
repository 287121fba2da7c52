import type { Addon } from '../addons/types.js';
import type { Brand } from '../brands/types.js';
import { BillingError, notFound } from '../errors.js';
import type { Currency } from '../money.js';
import type { Product } from '../products/types.js';

/** A cart line as a caller sends it (the API's product_cart item). */
export interface CartLineInput {
  product_id: string;
  quantity: number;
  /** Pay-what-you-want: the amount per unit the buyer chose, minor units, at least the product price. */
  amount?: number | null | undefined;
  /** Subscription lines only. */
  addons?: ReadonlyArray<{ addon_id: string; quantity: number }> | undefined;
}

/** The catalogue rows a cart refers to, loaded before the rules run. */
export interface CartFacts {
  products: ReadonlyMap<string, Product>;
  addons: ReadonlyMap<string, Addon>;
  brands: ReadonlyMap<string, Brand>;
}

export interface CartOptions {
  /** confirm=true or a payment_method_id: a pay-what-you-want amount must be known now. */
  amount_required: boolean;
  /** An on-demand subscription takes no addons. */
  on_demand: boolean;
}

export interface CartLine {
  product: Product;
  quantity: number;
  /** The chosen pay-what-you-want amount per unit; null for fixed prices or when not chosen yet. */
  amount: number | null;
  addons: Array<{ addon: Addon; quantity: number }>;
}

export interface CheckedCart {
  lines: CartLine[];
  brand_id: string;
  currency: Currency;
  /** True for a recurring or usage-based product, which always stands alone in its cart. */
  subscription: boolean;
}

const invalid = (message: string, nextStep: string) => new BillingError('INVALID_REQUEST_PARAMETERS', message, nextStep);
const isWhole = (value: number, min: number) => Number.isSafeInteger(value) && value >= min;

/**
 * SPEC §2.1 rules 1–5 over a non-empty cart, each rule over every line before the next rule, so the
 * first failure in rule order wins. Emptiness (rule 1's PRODUCT_CART_EMPTY) depends on collection mode
 * and is the caller's.
 */
export function checkCart(lines: readonly CartLineInput[], facts: CartFacts, options: CartOptions): CheckedCart {
  const products = lines.map((line) => checkProductLine(line, facts));
  checkDistinct(lines);
  checkMixing(products);
  const { brand_id, currency } = checkBrandAndCurrency(products, facts);
  const addons = lines.map((line, index) => checkAddons(line, products[index] as Product, facts, options));
  const amounts = lines.map((line, index) => checkAmount(line, products[index] as Product, options));
  const checked: CartLine[] = lines.map((line, index) => ({
    product: products[index] as Product,
    quantity: line.quantity,
    amount: amounts[index] ?? null,
    addons: addons[index] ?? [],
  }));
  return { lines: checked, brand_id, currency, subscription: products.some((p) => p.is_recurring) };
}

/** Rule 1: the product exists and is live; quantity is a whole number > 0, exactly 1 for usage-based. */
function checkProductLine(line: CartLineInput, facts: CartFacts): Product {
  const product = facts.products.get(line.product_id);
  if (!product) throw notFound('product', line.product_id, 'list_products');
  if (product.archived) {
    throw new BillingError(
      'PRODUCT_IS_DELETED',
      `product ${product.product_id} is archived and cannot be bought`,
      'unarchive_product restores it, or choose another product',
    );
  }
  if (!isWhole(line.quantity, 1)) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `quantity of ${product.product_id} must be a whole number > 0, got ${line.quantity}`,
      'send e.g. quantity: 1',
    );
  }
  if (product.price.type === 'usage_based_price' && line.quantity !== 1) {
    throw new BillingError('INVALID_QUANTITY', 'Only 1 quantity allowed in usage based price products', `send quantity 1 for ${product.product_id}`);
  }
  return product;
}

/** Rule 1: one line per product, so refunds can name a line by its product id. */
function checkDistinct(lines: readonly CartLineInput[]): void {
  const seen = new Set<string>();
  for (const { product_id } of lines) {
    if (seen.has(product_id)) throw invalid(`product ${product_id} is in the cart twice`, 'list each product once and raise its quantity');
    seen.add(product_id);
  }
}

/** Rule 2: one-time products may share a cart; a subscription stands alone (a multi-line cart with one → 422). */
function checkMixing(products: readonly Product[]): void {
  const subscription = products.find((p) => p.is_recurring);
  if (subscription && products.length > 1) {
    throw invalid(
      `subscription product ${subscription.product_id} cannot be combined with other products in one checkout; multi-product carts hold one-time products only`,
      'create one checkout session per subscription, and a separate one for one-time products',
    );
  }
}

/** Rule 3: one brand, enabled; one currency (PROPOSED UNSUPPORTED_CURRENCY). */
function checkBrandAndCurrency(products: readonly Product[], facts: CartFacts): { brand_id: string; currency: Currency } {
  const first = products[0] as Product;
  const otherBrand = products.find((p) => p.brand_id !== first.brand_id);
  if (otherBrand) {
    throw new BillingError(
      'BRAND_MISMATCH',
      `All items in the product cart should belong to the same brand: ${first.product_id} is brand ${first.brand_id}, ${otherBrand.product_id} is brand ${otherBrand.brand_id}`,
      'split the cart into one checkout per brand',
    );
  }
  const brand = facts.brands.get(first.brand_id);
  if (!brand) throw new Error(`product ${first.product_id} names brand ${first.brand_id}, which does not exist`);
  if (!brand.enabled) {
    throw new BillingError(
      'BRAND_NOT_ENABLED',
      `brand ${brand.brand_id} (${brand.name}) is not enabled`,
      `enable it with update_brand ${brand.brand_id}`,
    );
  }
  const otherCurrency = products.find((p) => p.price.currency !== first.price.currency);
  if (otherCurrency) {
    throw new BillingError(
      'UNSUPPORTED_CURRENCY',
      `one cart is charged in one currency: ${first.product_id} is ${first.price.currency}, ${otherCurrency.product_id} is ${otherCurrency.price.currency}`,
      'split the cart into one checkout per currency',
    );
  }
  return { brand_id: first.brand_id, currency: first.price.currency };
}

/**
 * Rule 4 (SPEC §1.4): addons only on subscription lines, never on usage-based or on-demand ones; each
 * must exist and be attached to the product (MISSING_ADDON_IDS), once, with a whole quantity ≥ 1.
 */
function checkAddons(line: CartLineInput, product: Product, facts: CartFacts, options: CartOptions): CartLine['addons'] {
  const requested = line.addons ?? [];
  if (requested.length === 0) return [];
  if (product.price.type === 'one_time_price') {
    throw invalid(`addons go on subscription lines only; ${product.product_id} is a one-time product`, 'remove addons from that line');
  }
  if (product.price.type === 'usage_based_price') {
    throw new BillingError(
      'ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED',
      'Addons in Subscriptions are not supported for Usage Based Billing',
      `remove addons from ${product.product_id}`,
    );
  }
  if (options.on_demand) {
    throw new BillingError(
      'ADDONS_NOT_ALLOWED_FOR_ON_DEMAND',
      'Addons are not allowed for on demand subscriptions',
      'remove addons, or drop subscription_data.on_demand',
    );
  }
  const missing = requested.filter((a) => !facts.addons.has(a.addon_id) || !product.addons.includes(a.addon_id));
  if (missing.length > 0) {
    throw new BillingError(
      'MISSING_ADDON_IDS',
      `addon ${missing.map((a) => a.addon_id).join(', ')} is unknown or not attached to product ${product.product_id} (attached: ${product.addons.join(', ') || 'none'})`,
      `use addons attached to ${product.product_id}; get_product lists them`,
    );
  }
  const seen = new Set<string>();
  return requested.map(({ addon_id, quantity }) => {
    if (seen.has(addon_id)) throw invalid(`addon ${addon_id} is listed twice`, 'list each addon once and raise its quantity');
    seen.add(addon_id);
    if (!isWhole(quantity, 1)) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        `quantity of addon ${addon_id} must be a whole number > 0, got ${quantity}`,
        'send e.g. quantity: 2',
      );
    }
    return { addon: facts.addons.get(addon_id) as Addon, quantity };
  });
}

/**
 * Rule 5: `amount` belongs to pay-what-you-want products and is at least their price (price 500, amount
 * 499 → REQUEST_AMOUNT_BELOW_MINIMUM). Without it the buyer chooses on the checkout page, unless the
 * payment happens now (confirm or payment_method_id) → PAY_AS_YOU_WANT_AMOUNT_REQUIRED.
 */
function checkAmount(line: CartLineInput, product: Product, options: CartOptions): number | null {
  const price = product.price;
  const pwyw = price.type === 'one_time_price' && price.pay_what_you_want;
  const amount = line.amount ?? null;
  if (amount === null) {
    if (pwyw && options.amount_required) {
      throw new BillingError(
        'PAY_AS_YOU_WANT_AMOUNT_REQUIRED',
        `product ${product.product_id} is pay-what-you-want and this payment happens now, so its amount is required`,
        `send amount ≥ ${price.price} (minor units) on that cart line`,
      );
    }
    return null;
  }
  if (!pwyw) {
    throw invalid(`amount applies to pay-what-you-want products only; ${product.product_id} has a fixed price`, 'remove amount from that line');
  }
  if (!isWhole(amount, 0)) {
    throw new BillingError('INVALID_REQUEST_BODY', `amount must be whole minor units ≥ 0, got ${amount}`, 'send cents as an integer, e.g. 1500');
  }
  if (amount < price.price) {
    throw new BillingError(
      'REQUEST_AMOUNT_BELOW_MINIMUM',
      `amount ${amount} for ${product.product_id} is below its minimum price ${price.price}`,
      `send amount ≥ ${price.price}`,
    );
  }
  return amount;
}
