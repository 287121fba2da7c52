import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SUPPORTED_CURRENCIES } from '../../engine/index.js';

/** Paging fields every list tool takes. */
export const pageInput = {
  page_size: z.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe(`Default ${DEFAULT_PAGE_SIZE}.`),
  page_number: z.number().int().min(0).optional().describe('From 0.'),
};

/**
 * A page of whole records as a list shows it: each item keeps only the fields `schema` names, so a page of
 * 100 fits a context window (issue 14: lists hold summaries, gets the detail).
 */
export function summaryPage<S extends z.ZodObject, P extends { items: readonly object[] }>(
  schema: S,
  page: P,
): Omit<P, 'items'> & { items: z.input<S>[] } {
  const names = Object.keys(schema.shape);
  const summary = (entity: object): z.input<S> => {
    const fields = entity as Record<string, unknown>;
    return Object.fromEntries(names.map((name) => [name, fields[name]])) as z.input<S>;
  };
  return { ...page, items: page.items.map(summary) };
}

/** The page envelope every list tool returns around its items. */
export function pageOutput<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page_number: z.number().int(),
    page_size: z.number().int(),
    has_more: z.boolean().describe('True when page_number + 1 holds more items.'),
  });
}

export const metadataSchema = z.record(z.string(), z.string()).describe('≤ 50 keys [A-Za-z0-9_-]{1,40}, values ≤ 500 chars.');

export const currencySchema = z.enum(SUPPORTED_CURRENCIES);

/**
 * The largest amount an input takes, minor units ($100,000,000.00), and the largest quantity: a line's
 * quantity × unit price stays ≤ 10^14, so sums of lines, proration (amount × seconds) and tax stay exact
 * integers. Larger values are INVALID_REQUEST_BODY (issue 13: quantity 2,147,483,648 made a payment of
 * 21,260,088,115,200; 10^12 was an internal error).
 */
export const MAX_AMOUNT = 10_000_000_000;
export const MAX_QUANTITY = 10_000;

/** Minor units (3000 = $30.00, as the server instructions say once), at most MAX_AMOUNT. */
export const minorUnits = (what: string) => z.number().int().min(0).max(MAX_AMOUNT).describe(`${what}, minor units.`);

/** A count of units: ≥ 1, at most MAX_QUANTITY. */
export const quantityInput = (what: string) => z.number().int().min(1).max(MAX_QUANTITY).describe(`${what}.`);

/** An id input; the field's name says what it is, the description its prefix. `what` documents the call site. */
export const idOf = (_what: string, prefix: string) => z.string().min(1).describe(`${prefix}_… id.`);

export const isoInstant = z.string().describe('ISO-8601 UTC instant.');
