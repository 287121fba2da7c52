import type { CollectionsTable } from '../db/schema.js';
import { BillingError } from '../errors.js';
import { EFFECTIVE_AT, ON_PAYMENT_FAILURE, PRORATION_BILLING_MODES } from '../rules/plan-change-modes.js';
import { toFlag } from '../shared/flags.js';
import type { PlanChangePolicyInput } from './types.js';

export interface Orderable {
  id: string;
  /** Every name the caller may use for it: an item answers to its pci_ id and to its product's pdt_ id. */
  keys: readonly string[];
}

export interface OrderRequest {
  /** The argument, for messages: `group_order`. */
  field: string;
  /** What is ordered, plural, with its owner: `groups of product collection pcl_0001`. */
  what: string;
  current: readonly Orderable[];
  requested: readonly string[];
}

/**
 * A new display order must be a permutation of what is there: every entry named exactly once.
 * Current [grp_1, grp_2, grp_3]: [grp_3, grp_1, grp_2] → that order; [grp_3, grp_1] (one missing),
 * [grp_3, grp_1, grp_1, grp_2] (one twice) or [grp_3, grp_1, grp_9] (a stranger) → INVALID_REQUEST_PARAMETERS.
 * Returns the ids of `current` in the requested order.
 */
export function permutationOf(request: OrderRequest): string[] {
  const { field, what, current, requested } = request;
  const byKey = new Map<string, string>();
  for (const entry of current) for (const key of entry.keys) byKey.set(key, entry.id);
  const fail = (problem: string) =>
    new BillingError(
      'INVALID_REQUEST_PARAMETERS',
      `${field} must list each of the ${current.length} ${what} exactly once (${current.map((e) => e.id).join(', ') || 'none'}); ${problem}`,
      `send all ${current.length} ids in the order wanted`,
    );
  const ordered: string[] = [];
  for (const key of requested) {
    const id = byKey.get(key);
    if (id === undefined) throw fail(`${key} is not one of them`);
    if (ordered.includes(id)) throw fail(`${key === id ? id : `${key} (${id})`} is listed twice`);
    ordered.push(id);
  }
  const missing = current.filter((entry) => !ordered.includes(entry.id));
  if (missing.length > 0) throw fail(`${missing.map((e) => e.id).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
  return ordered;
}

/** The first value that occurs twice: [a, b, a] → a. */
export function firstDuplicate(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return undefined;
}

type PolicyColumns = Pick<
  CollectionsTable,
  | 'allow_upgrades'
  | 'allow_downgrades'
  | 'force_same_billing_interval'
  | 'proration_billing_mode_on_upgrade'
  | 'proration_billing_mode_on_downgrade'
  | 'effective_at_on_upgrade'
  | 'effective_at_on_downgrade'
  | 'on_payment_failure'
>;

/** A new collection allows upgrades and downgrades, across intervals, and inherits every billing default. */
export const DEFAULT_POLICY_COLUMNS: PolicyColumns = {
  allow_upgrades: 1,
  allow_downgrades: 1,
  force_same_billing_interval: 0,
  proration_billing_mode_on_upgrade: null,
  proration_billing_mode_on_downgrade: null,
  effective_at_on_upgrade: null,
  effective_at_on_downgrade: null,
  on_payment_failure: null,
};

function oneOf(field: string, value: string | null | undefined, allowed: readonly string[]): void {
  if (value === null || value === undefined || allowed.includes(value)) return;
  throw new BillingError(
    'INVALID_REQUEST_BODY',
    `${field} must be one of ${allowed.join(', ')} or null to inherit the business setting, got ${value}`,
    `send one of ${allowed.join(', ')}`,
  );
}

/** The policy fields the input gives, checked, as columns; omitted fields are absent, null stays null. */
export function policyColumns(input: PlanChangePolicyInput): Partial<PolicyColumns> {
  oneOf('proration_billing_mode_on_upgrade', input.proration_billing_mode_on_upgrade, PRORATION_BILLING_MODES);
  oneOf('proration_billing_mode_on_downgrade', input.proration_billing_mode_on_downgrade, PRORATION_BILLING_MODES);
  oneOf('effective_at_on_upgrade', input.effective_at_on_upgrade, EFFECTIVE_AT);
  oneOf('effective_at_on_downgrade', input.effective_at_on_downgrade, EFFECTIVE_AT);
  oneOf('on_payment_failure', input.on_payment_failure, ON_PAYMENT_FAILURE);
  return {
    ...(input.allow_upgrades !== undefined && { allow_upgrades: toFlag(input.allow_upgrades) }),
    ...(input.allow_downgrades !== undefined && { allow_downgrades: toFlag(input.allow_downgrades) }),
    ...(input.force_same_billing_interval !== undefined && {
      force_same_billing_interval: toFlag(input.force_same_billing_interval),
    }),
    ...(input.proration_billing_mode_on_upgrade !== undefined && {
      proration_billing_mode_on_upgrade: input.proration_billing_mode_on_upgrade,
    }),
    ...(input.proration_billing_mode_on_downgrade !== undefined && {
      proration_billing_mode_on_downgrade: input.proration_billing_mode_on_downgrade,
    }),
    ...(input.effective_at_on_upgrade !== undefined && { effective_at_on_upgrade: input.effective_at_on_upgrade }),
    ...(input.effective_at_on_downgrade !== undefined && { effective_at_on_downgrade: input.effective_at_on_downgrade }),
    ...(input.on_payment_failure !== undefined && { on_payment_failure: input.on_payment_failure }),
  };
}
