import { randomBytes } from 'node:crypto';

/** Every id the engine hands out has a prefix that names its kind, as the Dodo API does. */
export const ID_PREFIXES = {
  product: 'pdt',
  addon: 'adn',
  brand: 'brnd',
  collection: 'pcl',
  collectionGroup: 'grp',
  collectionItem: 'pci',
  event: 'evt',
  business: 'bus',
  customer: 'cus',
  paymentMethod: 'pm',
  walletLedgerEntry: 'wle',
  discount: 'dsc',
  checkoutSession: 'cks',
  payment: 'pay',
  paymentLineItem: 'pli',
  invoice: 'inv',
  refund: 'ref',
  subscription: 'sub',
  scheduledChange: 'spc',
  webhook: 'wh',
  webhookMessage: 'msg',
  webhookAttempt: 'whatt',
  meter: 'mtr',
  licenseKey: 'lic',
  licenseKeyInstance: 'lki',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export interface IdSource {
  next(kind: IdKind): string;
}

// 24 characters of base-62-ish alphabet ≈ 143 bits of randomness: ids cannot be guessed or collide.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_ID_LENGTH = 24;

// Random bytes come from the CSPRNG 4 KiB at a time (as crypto.randomUUID caches its own): a randomBytes
// call per id cost ~25 µs, about a tenth of a renewal's time, which makes ~8 ids.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let taken = 0;

function randomByte(): number {
  if (taken === pool.length) {
    pool = randomBytes(POOL_BYTES);
    taken = 0;
  }
  const byte = pool.readUInt8(taken);
  taken += 1;
  return byte;
}

/** `length` characters from [0-9A-Za-z], each equally likely (rejection sampling: 248 = 4 × 62). */
export function randomToken(length: number, alphabet: string = ALPHABET): string {
  const limit = 256 - (256 % alphabet.length);
  let token = '';
  while (token.length < length) {
    const byte = randomByte();
    if (byte < limit) token += alphabet.charAt(byte % alphabet.length);
  }
  return token;
}

// Crockford base32: digits and letters without I, L, O and U, so a key read aloud or copied by hand
// cannot confuse 1/I/L or 0/O. 30 characters × 5 bits = 150 bits of randomness (≥ 128 needed).
export const LICENSE_KEY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LICENSE_KEY_GROUPS = 6;
export const LICENSE_KEY_GROUP_LENGTH = 5;

/** A new license key: six groups of five Crockford base32 characters, `7K3QD-M9XRT-…` (150 random bits). */
export function randomLicenseKey(): string {
  const token = randomToken(LICENSE_KEY_GROUPS * LICENSE_KEY_GROUP_LENGTH, LICENSE_KEY_ALPHABET);
  return token.match(new RegExp(`.{${LICENSE_KEY_GROUP_LENGTH}}`, 'g'))?.join('-') ?? token;
}

export const randomIds: IdSource = {
  next(kind) {
    return `${ID_PREFIXES[kind]}_${randomToken(RANDOM_ID_LENGTH)}`;
  },
};

/** Deterministic ids for tests: pdt_0001, pdt_0002, cus_0001 … one counter per kind. */
export function sequentialIds(): IdSource {
  const counters = new Map<IdKind, number>();
  return {
    next(kind) {
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      return `${ID_PREFIXES[kind]}_${String(n).padStart(4, '0')}`;
    },
  };
}

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes (the spec allows 24–64). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
