import type { EngineContext } from '../context.js';
import type { Db } from '../db/database.js';
import { recordEvent } from '../events/outbox.js';
import { findSubscription, subscriptionView } from './repo.js';
import type { StoredSubscription, Subscription } from './types.js';

export type SubscriptionEventType =
  | 'subscription.active'
  | 'subscription.renewed'
  | 'subscription.on_hold'
  | 'subscription.plan_changed'
  | 'subscription.cancelled'
  | 'subscription.failed'
  | 'subscription.expired'
  | 'subscription.updated';

/**
 * Records a subscription event in the caller's transaction with the subscription as it stands now
 * (SPEC §4 payload: {payload_type: 'Subscription', ...subscription}) and returns that subscription.
 * `extra` adds fields to the payload (a plan change's previous and new plan). `stored`: the subscription
 * as the caller has just read it in `trx`, after its last change, so it is not read again.
 */
export async function emitSubscriptionEvent(
  trx: Db,
  ctx: EngineContext,
  type: SubscriptionEventType,
  subscriptionId: string,
  extra: Record<string, unknown> = {},
  stored?: StoredSubscription | undefined,
): Promise<Subscription> {
  const subscription = stored ? await subscriptionView(trx, stored) : await findSubscription(trx, ctx.businessId, subscriptionId);
  if (!subscription) throw new Error(`subscription ${subscriptionId} vanished inside its own transaction`);
  await recordEvent(trx, { ...ctx, db: trx }, {
    type,
    objectId: subscriptionId,
    payload: { payload_type: 'Subscription', ...subscription, ...extra },
  });
  return subscription;
}
