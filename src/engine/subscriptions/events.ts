import { recordEvent } from '../events/outbox.js';
import type { Scope } from '../scope.js';
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
 * Records a subscription event in the caller's transaction (`tx`) with the subscription as it stands now
 * (SPEC §4 payload: {payload_type: 'Subscription', ...subscription}) and returns that subscription.
 * `extra` adds fields to the payload (a plan change's previous and new plan). `stored`: the subscription
 * as the caller has just read it in `tx`, after its last change, so it is not read again.
 */
export async function emitSubscriptionEvent(
  tx: Scope,
  type: SubscriptionEventType,
  subscriptionId: string,
  extra: Record<string, unknown> = {},
  stored?: StoredSubscription,
): Promise<Subscription> {
  const subscription = stored ? await tx.subscriptions.view(stored) : await tx.subscriptions.find(subscriptionId);
  if (!subscription) throw new Error(`subscription ${subscriptionId} vanished inside its own transaction`);
  await recordEvent(tx, {
    type,
    objectId: subscriptionId,
    payload: { payload_type: 'Subscription', ...subscription, ...extra },
  });
  return subscription;
}
