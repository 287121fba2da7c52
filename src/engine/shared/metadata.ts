import { BillingError } from '../errors.js';

/** Free-form string pairs a merchant attaches to objects; echoed in results and webhooks. */
export type Metadata = Record<string, string>;

const MAX_PAIRS = 50;
const MAX_KEY_LENGTH = 40;
const MAX_VALUE_LENGTH = 500;
const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * The API's metadata limits (api-reference/metadata): at most 50 pairs, keys of at most 40 characters from
 * [A-Za-z0-9_-], values of at most 500 characters. 51 pairs → MAXIMUM_KEYS_REACHED.
 */
export function checkMetadata(metadata: Metadata | undefined): Metadata {
  if (metadata === undefined) return {};
  const entries = Object.entries(metadata);
  if (entries.length > MAX_PAIRS) {
    throw new BillingError('MAXIMUM_KEYS_REACHED', `metadata has ${entries.length} keys; at most ${MAX_PAIRS} are allowed`, 'remove some keys');
  }
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(key)) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        `metadata key "${key}" must be 1–${MAX_KEY_LENGTH} characters of letters, digits, _ or -`,
        'rename the key',
      );
    }
    if (value.length > MAX_VALUE_LENGTH) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        `metadata value for "${key}" is ${value.length} characters; at most ${MAX_VALUE_LENGTH} are allowed`,
        'shorten the value',
      );
    }
  }
  return metadata;
}

export function parseMetadata(json: string): Metadata {
  return JSON.parse(json) as Metadata;
}
