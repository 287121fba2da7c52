import { BillingError } from '../errors.js';

/** Length limits from the API (product name ≤ 100, description ≤ 1000 …), checked in characters. */
export function checkText(field: string, value: string, limits: { min?: number; max: number }): void {
  const length = [...value].length;
  const min = limits.min ?? 0;
  if (length < min || length > limits.max) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `${field} must be ${min > 0 ? `${min}–` : 'at most '}${limits.max} characters, got ${length}`,
      `shorten or fill in ${field}`,
    );
  }
}

/**
 * The path of the first string (or object key) in `value` that holds the NUL character U+0000, or undefined.
 * No text the engine keeps may hold it. PostgreSQL's text type cannot store it and refuses the whole statement,
 * while SQLite would keep it. So every door refuses it the same way on both databases: tools, the pages' forms
 * and the license endpoints. {customer: {name: 'A\u0000B'}} → 'customer.name'; ['a', 'b\u0000'] → '1'.
 */
export function pathOfNulText(value: unknown, path = ''): string | undefined {
  const at = (key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(value)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathOfNulText(value[i], at(i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return at(key.replaceAll('\u0000', '\\u0000'));
      const found = pathOfNulText(item, at(key));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** What a NUL character in the text at `path` answers, wherever it arrives. */
export function nulTextError(path: string): BillingError {
  return new BillingError(
    'INVALID_REQUEST_BODY',
    `${path} holds the NUL character (U+0000), which no billing text may contain; nothing was changed`,
    `remove the NUL character from ${path} and send it again`,
  );
}
