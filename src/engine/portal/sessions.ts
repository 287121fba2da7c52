import { createHash } from 'node:crypto';
import { iso } from '../clock.js';
import { BillingError } from '../errors.js';
import { randomToken } from '../ids.js';
import { checkReturnUrl } from '../rules/return-url.js';
import type { Scope } from '../scope.js';
import { findPortalSession, insertPortalSession } from './repo.js';
import type { PortalAccess, PortalSessionLink } from './types.js';

/** A portal link is valid 24 h (SPEC §1.6; Dodo changelog v1.0.0). */
export const PORTAL_SESSION_TTL_MS = 24 * 60 * 60 * 1000;
/** 43 characters of a 62-letter alphabet ≈ 256 bits: a link cannot be guessed. */
export const PORTAL_TOKEN_LENGTH = 43;

/** What is stored instead of the token: its SHA-256, so reading the database reveals no live link. */
export function portalTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Customer portal sessions (SPEC §1.6, Dodo POST /customers/{id}/customer-portal/session → {link}).
 * The link is `<public base URL>/portal/<token>` (ScopeDeps.publicBaseUrl); it opens that customer's portal
 * only, for 24 h: a link made at 2025-04-01T00:00Z works until 2025-04-02T00:00Z (exclusive).
 */
export class PortalSessions {
  constructor(private readonly scope: Scope) {}

  async create(customerId: string, options: { return_url?: string | undefined } = {}): Promise<PortalSessionLink> {
    const returnUrl = checkReturnUrl(options.return_url);
    return this.scope.transaction(async (tx) => {
      await tx.customers.get(customerId);
      const token = randomToken(PORTAL_TOKEN_LENGTH);
      const now = tx.clock.now();
      const expiresAt = now + PORTAL_SESSION_TTL_MS;
      await insertPortalSession(tx.db, {
        token_hash: portalTokenHash(token),
        business_id: tx.businessId,
        customer_id: customerId,
        return_url: returnUrl,
        expires_at: expiresAt,
        created_at: now,
      });
      return { link: `${tx.deps.publicBaseUrl()}/portal/${token}`, expires_at: iso(expiresAt) };
    });
  }

  /** Whose portal a token opens. Unknown token → NOT_FOUND; expired → FORBIDDEN. Neither names a customer. */
  async resolve(token: string): Promise<PortalAccess> {
    const session = await findPortalSession(this.scope.db, this.scope.businessId, portalTokenHash(token));
    if (!session) {
      throw new BillingError('NOT_FOUND', 'this portal link is not valid', 'ask the merchant for a new link (create_customer_portal_session)');
    }
    if (session.expires_at <= this.scope.clock.now()) {
      throw new BillingError(
        'FORBIDDEN',
        `this portal link expired at ${iso(session.expires_at)}`,
        'ask the merchant for a new link (create_customer_portal_session); links last 24 hours',
      );
    }
    return { customer_id: session.customer_id, return_url: session.return_url, expires_at: iso(session.expires_at) };
  }
}
