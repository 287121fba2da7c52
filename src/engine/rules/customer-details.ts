import { BillingError } from '../errors.js';
import { checkText } from '../shared/text.js';

const MAX_EMAIL_LENGTH = 254;
// One @, no spaces, a dot in the domain with text on both sides: a@b.co passes, a@b and a b@c.co do not.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/**
 * Emails are matched case-insensitively (one customer per email, SPEC §1.6), so they are stored trimmed
 * and in lower case: " Ann@Example.COM " → "ann@example.com".
 */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > MAX_EMAIL_LENGTH || !EMAIL_SHAPE.test(normalized)) {
    throw new BillingError('INVALID_REQUEST_BODY', `"${email}" is not an email address`, 'send an address such as ann@example.com');
  }
  return normalized;
}

/** A name of 1–100 characters after trimming. */
export function normalizeName(name: string): string {
  const trimmed = name.trim();
  checkText('name', trimmed, { min: 1, max: 100 });
  return trimmed;
}

// Digits with an optional leading +, spaces, dashes, dots and brackets; 7–15 digits (E.164 allows 15).
const PHONE_CHARACTERS = /^\+?[0-9 ().-]+$/;

/** "+1 (555) 010-9999" is kept as given; null or blank means no phone number. */
export function normalizePhone(phone: string | null): string | null {
  if (phone === null) return null;
  const trimmed = phone.trim();
  if (trimmed === '') return null;
  const digits = trimmed.replace(/\D/g, '').length;
  if (!PHONE_CHARACTERS.test(trimmed) || digits < 7 || digits > 15) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `"${phone}" is not a phone number (7–15 digits, optional +, spaces, dashes, brackets)`,
      'send it in international form, e.g. +14155550123',
    );
  }
  return trimmed;
}
