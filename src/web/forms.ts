import type { Request } from 'express';

/** A posted form's fields (application/x-www-form-urlencoded), read without trusting their shape. */
export class FormFields {
  constructor(private readonly fields: Record<string, unknown>) {}

  static of(req: Request): FormFields {
    const body: unknown = req.body;
    return new FormFields(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {});
  }

  /** The field's value trimmed; undefined when absent or blank. A repeated field gives its last value. */
  text(name: string): string | undefined {
    const value = this.fields[name];
    const last = Array.isArray(value) ? value.at(-1) : value;
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
