/** How much wallet credit a charge uses, and what is left on each side. */
export interface CreditUse {
  /** Minor units taken from the wallet. */
  used: number;
  /** Wallet balance afterwards. */
  balance_after: number;
  /** What the payment method must still cover. */
  charge_after: number;
}

/**
 * SPEC §2.5: credit applies before the payment method and takes min(balance, charge).
 * Credit 6000 vs charge 2000 → 2000 used, 4000 left, 0 charged; 6000 vs 10000 → 6000 used, 0 left,
 * 4000 charged; 0 vs 5000 → nothing used. Amounts are whole minor units ≥ 0.
 */
export function creditToApply(balance: number, charge: number): CreditUse {
  if (!Number.isSafeInteger(balance) || balance < 0 || !Number.isSafeInteger(charge) || charge < 0) {
    throw new Error(`creditToApply needs whole minor units ≥ 0 (balance ${balance}, charge ${charge})`);
  }
  const used = Math.min(balance, charge);
  return { used, balance_after: balance - used, charge_after: charge - used };
}
