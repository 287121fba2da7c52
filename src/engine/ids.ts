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
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export interface IdSource {
  next(kind: IdKind): string;
}

// 24 characters of base-62-ish alphabet ≈ 143 bits of randomness: ids cannot be guessed or collide.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_ID_LENGTH = 24;

/** `length` characters from [0-9A-Za-z], each equally likely (rejection sampling: 248 = 4 × 62). */
export function randomToken(length: number, alphabet: string = ALPHABET): string {
  const limit = 256 - (256 % alphabet.length);
  let token = '';
  while (token.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) token += alphabet[byte % alphabet.length];
      if (token.length === length) break;
    }
  }
  return token;
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
