import { iso } from '../clock.js';
import { randomToken } from '../ids.js';
import { BillingError, notFound } from '../errors.js';
import type { Scope } from '../scope.js';
import { toFlag } from '../shared/flags.js';
import { checkMetadata } from '../shared/metadata.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import { discountAmountFor, eligibleProductIds } from '../pricing/code-discount.js';
import { findDiscount, findLiveDiscountByCode, incrementTimesUsed, insertDiscount, listLiveDiscounts, updateDiscountRow } from './repo.js';
import {
  assertDiscountType,
  checkAmount,
  checkPositiveOrNull,
  GENERATED_CODE_ALPHABET,
  GENERATED_CODE_LENGTH,
  lookupCode,
  normalizeCode,
  parseExpiry,
} from './rules.js';
import type { DeletedDiscount, Discount, DiscountCart, DiscountFilter, DiscountInput, NewDiscount } from './types.js';

/**
 * Discount codes (SPEC §1.5, §2.8, D9). Checkout and subscriptions use it in three steps, all inside their
 * own transaction, through its scope (`tx.discounts`):
 *   1. `validate(code, {product_ids, on_demand})` — the code, or the error the buyer would see;
 *   2. per cart line in `eligibleProductIds(discount, product_ids)`:
 *      `discountAmountFor(discount, lineNet)` minor units off that line;
 *   3. `recordUse(discount_id)` once per successful purchase — never per renewal (SPEC §2.8).
 */
export class DiscountService {
  constructor(private readonly scope: Scope) {}

  /**
   * A live discount by id. Deleted ones are NOT_FOUND, unless `include_deleted` — for a subscription
   * renewal that still carries the discount_id of a code deleted after it was bought.
   */
  async get(discountId: string, options: { include_deleted?: boolean } = {}): Promise<Discount> {
    const stored = await findDiscount(this.scope.db, this.scope.businessId, discountId);
    if (!stored || (stored.deleted_at_ms !== null && !options.include_deleted)) {
      throw notFound('discount', discountId, 'list_discounts');
    }
    return stored.discount;
  }

  /** A live discount by code, any case: getByCode('summer25') finds SUMMER25. */
  async getByCode(code: string): Promise<Discount> {
    const stored = await findLiveDiscountByCode(this.scope.db, this.scope.businessId, lookupCode(code));
    if (!stored) throw notFound('discount code', code, 'list_discounts');
    return stored.discount;
  }

  /** Live discounts, oldest first; `code` narrows to that one code, any case. */
  async list(filter: DiscountFilter = {}, page?: PageRequest): Promise<Page<Discount>> {
    const window = pageWindow(page);
    const code = filter.code === undefined ? undefined : lookupCode(filter.code);
    return toPage(window, await listLiveDiscounts(this.scope.db, this.scope.businessId, { code }, window));
  }

  async create(input: NewDiscount): Promise<Discount> {
    const type = assertDiscountType(input.type);
    checkAmount(type, input.amount);
    const code = input.code === undefined ? randomToken(GENERATED_CODE_LENGTH, GENERATED_CODE_ALPHABET) : normalizeCode(input.code);
    checkDescriptive(input);
    const metadata = checkMetadata(input.metadata);
    const restricted_to = distinct(input.restricted_to ?? []);
    return this.scope.transaction(async (tx) => {
      const now = tx.clock.now();
      const expires_at = input.expires_at == null ? null : parseExpiry(input.expires_at, now);
      await this.assertCodeFree(tx, code);
      await this.assertProductsExist(tx, restricted_to);
      const discount_id = tx.ids.next('discount');
      await insertDiscount(tx.db, {
        discount_id,
        business_id: tx.businessId,
        name: input.name ?? null,
        code,
        type,
        amount: input.amount,
        usage_limit: input.usage_limit ?? null,
        times_used: 0,
        expires_at,
        restricted_to: JSON.stringify(restricted_to),
        subscription_cycles: input.subscription_cycles ?? null,
        preserve_on_plan_change: toFlag(input.preserve_on_plan_change ?? false),
        metadata: JSON.stringify(metadata),
        deleted_at: null,
        created_at: now,
        updated_at: now,
      });
      return tx.discounts.get(discount_id);
    });
  }

  /**
   * PATCH semantics: omitted fields stay, null clears, `restricted_to` replaces the list. The new type and
   * amount are checked together (switching a flat 50000 to percentage is INVALID_PERCENTAGE). A usage limit
   * below times_used is refused: with 3 uses, usage_limit 2 → DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED, 3 is fine.
   */
  async update(discountId: string, input: DiscountInput): Promise<Discount> {
    const code = input.code === undefined ? undefined : normalizeCode(input.code);
    checkDescriptive(input);
    const metadata = input.metadata === undefined ? undefined : checkMetadata(input.metadata);
    const restricted_to = input.restricted_to === undefined ? undefined : distinct(input.restricted_to);
    return this.scope.transaction(async (tx) => {
      const now = tx.clock.now();
      const current = await tx.discounts.get(discountId);
      const type = input.type === undefined ? current.type : assertDiscountType(input.type);
      if (input.type !== undefined || input.amount !== undefined) checkAmount(type, input.amount ?? current.amount);
      if (input.usage_limit != null && input.usage_limit < current.times_used) {
        throw new BillingError(
          'DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED',
          `usage limit cannot be less than times_used: ${current.code} has been used ${current.times_used} times, usage_limit ${input.usage_limit} is lower`,
          `send usage_limit ≥ ${current.times_used}, or null for unlimited`,
        );
      }
      const expires_at = input.expires_at == null ? input.expires_at : parseExpiry(input.expires_at, now);
      if (code !== undefined && code !== current.code) await this.assertCodeFree(tx, code);
      if (restricted_to !== undefined) await this.assertProductsExist(tx, restricted_to);
      await updateDiscountRow(tx.db, discountId, {
        ...(code !== undefined && { code }),
        ...(input.name !== undefined && { name: input.name }),
        ...(input.type !== undefined && { type }),
        ...(input.amount !== undefined && { amount: input.amount }),
        ...(input.usage_limit !== undefined && { usage_limit: input.usage_limit }),
        ...(expires_at !== undefined && { expires_at }),
        ...(restricted_to !== undefined && { restricted_to: JSON.stringify(restricted_to) }),
        ...(input.subscription_cycles !== undefined && { subscription_cycles: input.subscription_cycles }),
        ...(input.preserve_on_plan_change !== undefined && {
          preserve_on_plan_change: toFlag(input.preserve_on_plan_change),
        }),
        ...(metadata !== undefined && { metadata: JSON.stringify(metadata) }),
        updated_at: now,
      });
      return tx.discounts.get(discountId);
    });
  }

  /**
   * Soft delete (SPEC §1.5): the row stays for the payments and subscriptions that used it, the code
   * becomes INVALID_DISCOUNT_CODE at once and a new discount may take it.
   */
  async delete(discountId: string): Promise<DeletedDiscount> {
    return this.scope.transaction(async (tx) => {
      const current = await tx.discounts.get(discountId);
      const now = tx.clock.now();
      await updateDiscountRow(tx.db, discountId, { deleted_at: now, updated_at: now });
      return { discount_id: discountId, code: current.code, deleted_at: iso(now) };
    });
  }

  /**
   * SPEC §2.8, in this order, first failure wins: the code exists and is not deleted (INVALID_DISCOUNT_CODE)
   * → expires_at is null or after now (DISCOUNT_CODE_EXPIRED; at expires_at exactly it has expired)
   * → times_used < usage_limit when set (DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED) → with restricted_to set, some
   * cart product is in it (one product: DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT; several: INVALID_DISCOUNT_CODE)
   * → not an on-demand subscription (DISCOUNT_NOT_AVAILABLE_FOR_ON_DEMAND). An empty cart skips the
   * product check. Reads only; checkout calls it again inside the transaction that charges.
   */
  async validate(code: string, cart: DiscountCart): Promise<Discount> {
    const stored = await findLiveDiscountByCode(this.scope.db, this.scope.businessId, lookupCode(code));
    if (!stored) {
      throw new BillingError('INVALID_DISCOUNT_CODE', `no live discount has the code ${code}`, 'list_discounts shows the live codes');
    }
    const { discount, expires_at_ms } = stored;
    const now = this.scope.clock.now();
    if (expires_at_ms !== null && expires_at_ms <= now) {
      throw new BillingError(
        'DISCOUNT_CODE_EXPIRED',
        `discount code ${discount.code} expired at ${iso(expires_at_ms)}`,
        'move expires_at later (or to null) with update_discount, or use another code',
      );
    }
    if (discount.usage_limit !== null && discount.times_used >= discount.usage_limit) {
      throw new BillingError(
        'DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED',
        `discount code ${discount.code} hit its usage limit (used ${discount.times_used} of ${discount.usage_limit} times)`,
        'raise usage_limit with update_discount, or use another code',
      );
    }
    const products = distinct(cart.product_ids);
    if (products.length > 0 && eligibleProductIds(discount, products).length === 0) {
      const appliesTo = discount.restricted_to.join(', ');
      if (products.length === 1) {
        throw new BillingError(
          'DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT',
          `discount code ${discount.code} is not available for product ${products[0]}; it applies to ${appliesTo}`,
          'add the product to restricted_to with update_discount, or buy a product the code applies to',
        );
      }
      throw new BillingError(
        'INVALID_DISCOUNT_CODE',
        `discount code ${discount.code} cannot be applied to any product in the cart (${products.join(', ')}); it applies to ${appliesTo}`,
        'add one of those products to the cart, or add a cart product to restricted_to with update_discount',
      );
    }
    if (cart.on_demand) {
      throw new BillingError(
        'DISCOUNT_NOT_AVAILABLE_FOR_ON_DEMAND',
        `discount code ${discount.code} is not available for on-demand subscriptions`,
        'create the on-demand subscription without discount_code',
      );
    }
    return discount;
  }

  /** The cart products the discount reduces (all when unrestricted); see rules.ts. Pure. */
  eligibleProductIds(discount: Pick<Discount, 'restricted_to'>, productIds: readonly string[]): string[] {
    return eligibleProductIds(discount, productIds);
  }

  /** Minor units off one eligible line: 540 bps of 2999 = 162; flat 500 on a 300 line = 300. Pure. */
  discountAmountFor(discount: Pick<Discount, 'type' | 'amount'>, lineNetAmount: number): number {
    return discountAmountFor(discount, lineNetAmount);
  }

  /**
   * times_used + 1. Call it once per successful purchase, inside the payment's transaction
   * (`tx.discounts.recordUse(id)`), so the count never moves without the payment; never
   * for renewals (SPEC §2.8). It does not refuse past usage_limit — the charge has already succeeded —
   * so re-run `validate` inside that same transaction before charging. Counts deleted discounts too: the
   * buyer applied the code while it was live.
   */
  async recordUse(discountId: string): Promise<Discount> {
    return this.scope.transaction(async (tx) => {
      await tx.discounts.get(discountId, { include_deleted: true });
      await incrementTimesUsed(tx.db, discountId, tx.clock.now());
      return tx.discounts.get(discountId, { include_deleted: true });
    });
  }

  /** One live discount per code (SPEC §1.5); deleted discounts free theirs. */
  private async assertCodeFree(tx: Scope, code: string): Promise<void> {
    const holder = await findLiveDiscountByCode(tx.db, tx.businessId, code);
    if (holder) {
      throw new BillingError(
        'DISCOUNT_CODE_ALREADY_EXISTS',
        `discount code ${code} already exists (${holder.discount.discount_id})`,
        'choose another code, or delete_discount the old one first',
      );
    }
  }

  private async assertProductsExist(tx: Scope, productIds: readonly string[]): Promise<void> {
    if (productIds.length === 0) return;
    const found = await tx.products.findMany(productIds);
    const missing = productIds.filter((id) => !found.some((p) => p.product_id === id));
    if (missing.length > 0) {
      throw new BillingError('NOT_FOUND', `no product ${missing.join(', ')} for restricted_to`, 'list_products shows the existing ids');
    }
  }
}

function checkDescriptive(input: DiscountInput): void {
  if (input.name != null) checkText('name', input.name, { min: 1, max: 100 });
  if (input.usage_limit !== undefined) checkPositiveOrNull('usage_limit', input.usage_limit);
  if (input.subscription_cycles !== undefined) checkPositiveOrNull('subscription_cycles', input.subscription_cycles);
}

function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
