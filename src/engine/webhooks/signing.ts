import { Webhook } from 'standardwebhooks';

/** After a rotation the old secret keeps signing for 24 hours (SPEC §1.17), so receivers can switch over. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

// Webhook decodes the secret's base64 once; a dispatcher signs thousands of messages with few secrets.
const signers = new Map<string, Webhook>();
const MAX_CACHED_SIGNERS = 1000;

function signerOf(secret: string): Webhook {
  let signer = signers.get(secret);
  if (!signer) {
    if (signers.size >= MAX_CACHED_SIGNERS) signers.clear();
    signer = new Webhook(secret);
    signers.set(secret, signer);
  }
  return signer;
}

/**
 * The `webhook-signature` header (Standard Webhooks, SPEC §4): `v1,<base64 HMAC-SHA256 of
 * "{webhook-id}.{webhook-timestamp}.{body}">` per valid secret, space-separated — two during a rotation's
 * overlap, so a receiver holding either secret verifies.
 */
export function signatureHeader(secrets: readonly string[], messageId: string, timestampMs: number, body: string): string {
  const at = new Date(timestampMs);
  return secrets.map((secret) => signerOf(secret).sign(messageId, at, body)).join(' ');
}

/** The secrets that sign at `now`: the current one, and the previous one until its overlap ends. */
export function signingSecrets(
  endpoint: { secret: string; previous_secret: string | null; previous_secret_expires_at: number | null },
  now: number,
): string[] {
  const previousValid =
    endpoint.previous_secret !== null && endpoint.previous_secret_expires_at !== null && now < endpoint.previous_secret_expires_at;
  return previousValid && endpoint.previous_secret !== null ? [endpoint.secret, endpoint.previous_secret] : [endpoint.secret];
}
