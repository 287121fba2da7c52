import { BillingError } from '../errors.js';

/** An absolute http(s) URL, or INVALID_REQUEST_BODY. */
export function checkReturnUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `return_url must be an absolute http(s) URL, got "${url}"`,
      'send e.g. https://example.com/thanks',
    );
  }
  return url;
}
