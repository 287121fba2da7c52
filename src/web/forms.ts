import type { Request } from 'express';
import type { CardInput } from '../engine/index.js';

/** A form the page could not read: shown inline, nothing sent to the engine. */
export class FormProblem extends Error {}

/** A posted form's fields (application/x-www-form-urlencoded), read without trusting their shape. */
export class FormFields {
  constructor(private readonly fields: Record<string, unknown>) {}

  static of(req: Request): FormFields {
    const body: unknown = req.body;
    return new FormFields(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {});
  }

  /**
   * The field's value trimmed; undefined when absent or blank. A repeated field gives its last value. A NUL
   * character (%00) is refused here, as every door refuses it (engine shared/text.ts).
   */
  text(name: string): string | undefined {
    const value = this.typed(name);
    if (value?.includes('\u0000')) throw new FormProblem('Remove the NUL character (%00) from the form and send it again.');
    return value;
  }

  /** What the buyer typed, to show again in the form: as text() but never refused, any NUL character dropped. */
  kept(name: string): string | undefined {
    return this.typed(name)?.replaceAll('\u0000', '');
  }

  private typed(name: string): string | undefined {
    const value = this.fields[name];
    const last: unknown = Array.isArray(value) ? value.at(-1) : value;
    if (typeof last !== 'string') return undefined;
    const trimmed = last.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  /** A whole number ≥ 0, or undefined when absent; NaN when present but not a whole number. */
  count(name: string): number | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    return /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  }

  /** Every field whose name starts with the prefix, by the rest of its name: addon_qty[adn_1]=2 → {adn_1: '2'}. */
  keyed(prefix: string): Map<string, string> {
    const found = new Map<string, string>();
    for (const key of Object.keys(this.fields)) {
      const match = key.startsWith(`${prefix}[`) && key.endsWith(']') ? key.slice(prefix.length + 1, -1) : undefined;
      const value = match === undefined ? undefined : this.text(key);
      if (match !== undefined && value !== undefined) found.set(match, value);
    }
    return found;
  }
}

/**
 * The card form of the checkout page and the portal: number, expiry "MM/YY" or "MM/YYYY", CVC. Only the
 * shapes are read here; the engine judges the card itself (spaces in the number, two-digit years, Luhn,
 * expiry: SPEC §5, describeTestCard). A missing or misshapen field is a FormProblem.
 */
export function cardOf(form: FormFields): CardInput {
  const number = form.text('card_number');
  if (number === undefined) throw new FormProblem('Enter the card number.');
  const expiry = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(form.text('card_expiry') ?? '');
  if (!expiry) throw new FormProblem('Enter the expiry as MM/YY, e.g. 06/32.');
  const cvc = form.text('card_cvc');
  if (cvc === undefined || !/^\d{3,4}$/.test(cvc)) throw new FormProblem('Enter the 3 or 4 digit security code (CVC).');
  return { number, exp_month: Number(expiry[1]), exp_year: Number(expiry[2]), cvc };
}
