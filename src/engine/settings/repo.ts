import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import { cachedRead, forgetCachedReads } from '../db/read-cache.js';
import { fromFlag, toFlag } from '../shared/flags.js';
import { DEFAULT_PLAN_CHANGE_SETTINGS, type EffectiveAt, type OnPaymentFailure, type ProrationBillingMode } from '../rules/plan-change-modes.js';
import type { BusinessSettings, BusinessSettingsUpdate, PlanChangeDefaults } from './types.js';

const PLAN_CHANGE_FIELDS = Object.keys(DEFAULT_PLAN_CHANGE_SETTINGS) as Array<keyof PlanChangeDefaults>;

/** The one business of this database, or undefined before it has been set up. */
export async function findBusinessId(db: Db): Promise<string | undefined> {
  const row = await db.selectFrom('business_settings').select('business_id').executeTakeFirst();
  return row?.business_id;
}

export async function insertBusiness(db: Db, businessId: string, now: number): Promise<void> {
  await db
    .insertInto('business_settings')
    .values({
      business_id: businessId,
      allow_multiple_subscriptions: 1,
      allow_subscription_updates: 0,
      default_tax_rate_bps: 0,
      ...DEFAULT_PLAN_CHANGE_SETTINGS,
      updated_at: now,
    })
    .execute();
}

/** The business settings; read once per due-work batch (db/read-cache.ts). */
export async function getSettings(db: Db, businessId: string): Promise<BusinessSettings> {
  return cachedRead(db, `settings:${businessId}`, async () => {
    const row = await db.selectFrom('business_settings').selectAll().where('business_id', '=', businessId).executeTakeFirstOrThrow();
    return {
      business_id: row.business_id,
      allow_multiple_subscriptions: fromFlag(row.allow_multiple_subscriptions),
      allow_subscription_updates: fromFlag(row.allow_subscription_updates),
      default_tax_rate_bps: row.default_tax_rate_bps,
      // Written only through update(), which checks each value against its allowed list.
      proration_billing_mode_on_upgrade: row.proration_billing_mode_on_upgrade as ProrationBillingMode,
      proration_billing_mode_on_downgrade: row.proration_billing_mode_on_downgrade as ProrationBillingMode,
      effective_at_on_upgrade: row.effective_at_on_upgrade as EffectiveAt,
      effective_at_on_downgrade: row.effective_at_on_downgrade as EffectiveAt,
      on_payment_failure: row.on_payment_failure as OnPaymentFailure,
      updated_at: iso(row.updated_at),
    };
  });
}

export async function updateSettings(db: Db, businessId: string, update: BusinessSettingsUpdate, now: number): Promise<void> {
  forgetCachedReads(db);
  await db
    .updateTable('business_settings')
    .set({
      ...(update.allow_multiple_subscriptions !== undefined && {
        allow_multiple_subscriptions: toFlag(update.allow_multiple_subscriptions),
      }),
      ...(update.allow_subscription_updates !== undefined && {
        allow_subscription_updates: toFlag(update.allow_subscription_updates),
      }),
      ...(update.default_tax_rate_bps !== undefined && { default_tax_rate_bps: update.default_tax_rate_bps }),
      ...Object.fromEntries(PLAN_CHANGE_FIELDS.filter((field) => update[field] !== undefined).map((field) => [field, update[field]])),
      updated_at: now,
    })
    .where('business_id', '=', businessId)
    .execute();
}
