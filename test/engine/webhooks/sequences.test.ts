// Rule under test: the event sequences of SPEC §4 (with §2.3, §2.9, §2.10 and §3 A) as a receiver sees
// them — a scripted one that verifies every body with standardwebhooks' Webhook.verify — for a checkout,
// a subscription with a trial, a prorated upgrade, a failed renewal and its recovery, a refund and a license
// key issue. Per receiver: the types in event order (webhook-ids are given out in outbox order; delivery
// itself promises no order, SPEC §4), every body signed, data.payload_type of the event's family, and the
// data equal to the object's latest state when it was delivered.
import { afterEach, describe, expect, test } from 'vitest';
import type { PayloadType } from '../../../src/engine/webhooks/types.js';
import { CARD_OK, oneTime } from '../../support/checkout-fixtures.js';
import { addCard, advanceTo, isoDay, planWorld, subscribe } from '../../support/plan-change-fixtures.js';
import { buy } from '../../support/refund-fixtures.js';
import { customerWithCard, plan } from '../../support/subscription-fixtures.js';
import { endpointFor, type ScriptedEndpoint, ScriptedSender, type SentRequest as Received } from '../../support/scripted-sender.js';
import { createTestEngine, TEST_START, type TestEngine } from '../../support/test-engine.js';
import { VirtualTime } from '../../support/virtual-time.js';
import { licensedApp } from '../licenses/fixtures.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const FAMILY: Record<string, PayloadType> = {
  payment: 'Payment',
  subscription: 'Subscription',
  refund: 'Refund',
  dispute: 'Dispute',
  license_key: 'LicenseKey',
};

/**
 * One engine and one verifying receiver listening to every event type. `step()` runs the due work where
 * the clock stands and returns what arrived since the last step, in event order, after checking each body
 * against the object's state at that moment (nothing changes between a delivery and the check).
 */
class Listener {
  private taken = 0;

  private constructor(
    readonly engine: TestEngine,
    readonly receiver: ScriptedEndpoint,
  ) {}

  /** Listens on an engine built with `sender.options()` as its webhook settings. */
  static async on(engine: TestEngine, sender: ScriptedSender): Promise<Listener> {
    cleanups.push(() => engine.close());
    sender.bind(engine.clock);
    const receiver = sender.endpoint();
    await endpointFor(engine, receiver);
    return new Listener(engine, receiver);
  }

  /** Deliveries that arrived since the last call (after running what is due now), in webhook-id order. */
  async step(): Promise<Received[]> {
    await this.engine.dueWork.run(this.engine.clock.now());
    return this.take();
  }

  /** Like step, without running anything (the test clock already delivered). */
  async take(): Promise<Received[]> {
    await this.engine.webhookDispatcher.idle();
    const fresh = this.receiver.received.slice(this.taken).sort((a, b) => a.id.localeCompare(b.id));
    this.taken = this.receiver.received.length;
    expect(this.receiver.problems).toEqual([]);
    for (const r of fresh) await this.expectLatest(r);
    return fresh;
  }

  private async expectLatest(r: Received): Promise<void> {
    const { body } = r;
    expect(body.business_id).toBe(this.engine.ctx.businessId);
    const kind = FAMILY[body.type.slice(0, body.type.indexOf('.'))];
    expect(body.data.payload_type, `${body.type} payload_type`).toBe(kind);
    const latest = await this.latest(kind, body.data);
    // JSON round trip: the body is JSON, the state an object with undefined-free fields.
    expect(body.data, `${body.type} carries the latest state`).toMatchObject({
      ...(JSON.parse(JSON.stringify(latest)) as object),
      payload_type: kind,
    });
  }

  private async latest(kind: PayloadType | undefined, data: Record<string, unknown>): Promise<object> {
    const { engine } = this;
    switch (kind) {
      case 'Payment':
        return engine.payments.get(String(data.payment_id));
      case 'Subscription':
        return engine.subscriptions.get(String(data.subscription_id));
      case 'Refund':
        return engine.refunds.get(String(data.refund_id));
      case 'LicenseKey':
        return engine.licenses.get(String(data.id));
      default:
        throw new Error(`no state to compare for payload_type ${String(kind)}`);
    }
  }
}

const scriptedSender = () => new ScriptedSender(new VirtualTime());

const types = (received: readonly Received[]) => received.map((r) => r.body.type);
const dataOf = (received: readonly Received[], type: string) => received.find((r) => r.body.type === type)?.body.data;

describe('SPEC §4 sequences at a verifying receiver', () => {
  test('checkout (one-time purchase): payment.processing, payment.succeeded with the succeeded payment', async () => {
    const sender = scriptedSender();
    const listener = await Listener.on(await createTestEngine(TEST_START, { webhooks: sender.options() }), sender);
    const { engine } = listener;
    const guide = await oneTime(engine, { price: 1900 });
    const payment = await buy(engine, [[guide.product_id, 2]]);

    const received = await listener.step();
    expect(types(received)).toEqual(['payment.processing', 'payment.succeeded']);
    for (const r of received) {
      expect(r.body.data).toMatchObject({ payload_type: 'Payment', payment_id: payment.payment_id, status: 'succeeded', total_amount: 3800 });
      expect(r.body.timestamp).toBe(isoDay('2025-04-01'));
    }
    expect(dataOf(received, 'payment.succeeded')?.product_cart).toEqual([{ product_id: guide.product_id, quantity: 2 }]);
    // Nothing more is due: a later run delivers nothing twice.
    expect(await listener.step()).toEqual([]);
  });

  test('subscription with a trial: subscription.active now; payment.succeeded + subscription.renewed at trial end', async () => {
    const sender = scriptedSender();
    const listener = await Listener.on(await createTestEngine(isoDay('2025-04-01'), { webhooks: sender.options() }), sender);
    const { engine } = listener;
    const { customer, method } = await customerWithCard(engine);
    const pro = await plan(engine, { name: 'Pro', price: 8000, trial_period_days: 14 });
    const { subscription, payment: trialPayment } = await engine.subscriptions.create({
      customer_id: customer.customer_id,
      payment_method_id: method.payment_method_id,
      product_id: pro.product_id,
      quantity: 1,
    });

    const now = await listener.step();
    // The trial's $0 payment (SPEC §1.9, §4 PROPOSED) comes with it; subscription.active precedes its success.
    expect(types(now)).toEqual(['payment.processing', 'subscription.active', 'payment.succeeded']);
    expect(dataOf(now, 'subscription.active')).toMatchObject({
      subscription_id: subscription.subscription_id,
      status: 'active',
      next_billing_date: isoDay('2025-04-15'),
    });
    expect(dataOf(now, 'payment.succeeded')).toMatchObject({ payment_id: trialPayment?.payment_id, total_amount: 0, status: 'succeeded' });

    await advanceTo(engine, '2025-04-14');
    expect(await listener.take()).toEqual([]);
    await advanceTo(engine, '2025-04-16');
    const trialEnd = await listener.take();
    expect(types(trialEnd)).toEqual(['payment.processing', 'payment.succeeded', 'subscription.renewed']);
    // Delivered at the trial end itself: the runner interleaves deliveries with the test clock.
    expect(trialEnd.map((r) => r.at)).toEqual(trialEnd.map(() => Date.parse(isoDay('2025-04-15'))));
    expect(dataOf(trialEnd, 'payment.succeeded')).toMatchObject({
      total_amount: 8000,
      subscription_id: subscription.subscription_id,
      status: 'succeeded',
    });
    expect(dataOf(trialEnd, 'subscription.renewed')).toMatchObject({
      status: 'active',
      previous_billing_date: isoDay('2025-04-15'),
      next_billing_date: isoDay('2025-05-15'),
    });
    for (const r of trialEnd) expect(r.body.timestamp).toBe(isoDay('2025-04-15'));
  });

  test('plan change (SPEC §3 A, prorated upgrade): payment of 3333 + subscription.plan_changed on Pro', async () => {
    const sender = scriptedSender();
    const world = await planWorld({ webhooks: sender.options() });
    const listener = await Listener.on(world.engine, sender);
    const { engine } = listener;
    const sub = await subscribe(engine, world.basic);
    expect(types(await listener.step())).toEqual(['payment.processing', 'subscription.active', 'payment.succeeded', 'subscription.renewed']);

    await advanceTo(engine, '2025-04-11');
    expect(await listener.take()).toEqual([]);
    const result = await engine.planChanges.change(sub.subscription_id, {
      product_id: world.pro.product_id,
      quantity: 1,
      proration_billing_mode: 'prorated_immediately',
    });
    const received = await listener.step();
    expect(types(received)).toEqual(['payment.processing', 'payment.succeeded', 'subscription.plan_changed', 'subscription.active']);
    expect(dataOf(received, 'payment.succeeded')).toMatchObject({
      payment_id: result.payment_id,
      total_amount: 3333,
      subscription_id: sub.subscription_id,
      status: 'succeeded',
    });
    expect(dataOf(received, 'subscription.plan_changed')).toMatchObject({
      product_id: world.pro.product_id,
      recurring_pre_tax_amount: 8000,
      next_billing_date: isoDay('2025-05-01'),
      status: 'active',
    });
    for (const r of received) expect(r.body.timestamp).toBe(isoDay('2025-04-11'));
  });

  test('failed renewal (declining saved card): payment.failed + subscription.on_hold; recovery: payment.succeeded + subscription.active', async () => {
    const sender = scriptedSender();
    const world = await planWorld({ webhooks: sender.options() });
    const listener = await Listener.on(world.engine, sender);
    const { engine } = listener;
    const sub = await subscribe(engine, world.basic, { declined: true });
    expect(types(await listener.step())).toEqual(['payment.processing', 'subscription.active', 'payment.succeeded', 'subscription.renewed']);

    await advanceTo(engine, '2025-05-01');
    const failed = await listener.take();
    expect(types(failed)).toEqual(['payment.processing', 'payment.failed', 'subscription.on_hold']);
    expect(dataOf(failed, 'payment.failed')).toMatchObject({
      status: 'failed',
      error_code: 'CARD_DECLINED',
      total_amount: 3000,
      subscription_id: sub.subscription_id,
    });
    expect(dataOf(failed, 'subscription.on_hold')).toMatchObject({
      status: 'on_hold',
      outstanding_amount: 3000,
      next_billing_date: isoDay('2025-05-01'),
    });
    for (const r of failed) expect(r.at).toBe(Date.parse(isoDay('2025-05-01')));

    engine.clock.set(isoDay('2025-05-03'));
    const good = await addCard(engine, sub.customer.customer_id);
    const { payment } = await engine.subscriptions.updatePaymentMethod(sub.subscription_id, { payment_method_id: good });
    const recovered = await listener.step();
    // SPEC §2.3 (S004), D15: payment.succeeded then subscription.active; the charge pays a period starting at
    // the recovery (May 3 → Jun 3), and every successful subscription charge is also subscription.renewed
    // (§4, FAQ Q83).
    expect(types(recovered)).toEqual(['payment.processing', 'payment.succeeded', 'subscription.active', 'subscription.renewed']);
    expect(dataOf(recovered, 'payment.succeeded')).toMatchObject({ payment_id: payment?.payment_id, status: 'succeeded', total_amount: 3000 });
    expect(dataOf(recovered, 'subscription.active')).toMatchObject({
      status: 'active',
      outstanding_amount: 0,
      payment_method_id: good,
      previous_billing_date: isoDay('2025-05-03'),
      next_billing_date: isoDay('2025-06-03'),
    });
    for (const r of recovered) expect(r.body.timestamp).toBe(isoDay('2025-05-03'));
  });

  test('refund: refund.succeeded with the refund; the payment events before it now show the refunded payment', async () => {
    const sender = scriptedSender();
    const listener = await Listener.on(await createTestEngine(TEST_START, { webhooks: sender.options() }), sender);
    const { engine } = listener;
    const guide = await oneTime(engine, { price: 1900 });
    const payment = await buy(engine, [[guide.product_id, 1]]);
    expect(types(await listener.step())).toEqual(['payment.processing', 'payment.succeeded']);

    engine.clock.advance(60 * 60 * 1000);
    const refund = await engine.refunds.create({ payment_id: payment.payment_id, reason: 'changed my mind' });
    const received = await listener.step();
    expect(types(received)).toEqual(['refund.succeeded']);
    expect(received[0]?.body.data).toMatchObject({
      payload_type: 'Refund',
      refund_id: refund.refund_id,
      payment_id: payment.payment_id,
      amount: 1900,
      is_partial: false,
      status: 'succeeded',
      reason: 'changed my mind',
    });
    expect(received[0]?.body.timestamp).toBe('2025-04-01T01:00:00.000Z');

    // A replay of the earlier payment.succeeded carries the payment as it is now: fully refunded.
    const [delivery] = (await engine.webhooks.listDeliveries({ event_type: 'payment.succeeded' })).items;
    await engine.webhooks.retryDelivery(delivery?.message_id ?? '');
    const replayed = await listener.take();
    expect(replayed.map((r) => [r.id, r.body.type])).toEqual([[delivery?.message_id, 'payment.succeeded']]);
    expect(replayed[0]?.body.data).toMatchObject({ payment_id: payment.payment_id, refund_status: 'full' });
  });

  test('license key issue: payment.succeeded, then license_key.created with the key as it is at delivery', async () => {
    const sender = scriptedSender();
    const listener = await Listener.on(await createTestEngine(TEST_START, { webhooks: sender.options() }), sender);
    const { engine } = listener;
    const app = await licensedApp(engine, { limit: 2 });
    const { session_id } = await engine.checkout.create({
      product_cart: [{ product_id: app.product_id, quantity: 1 }],
      customer: { email: 'ann@example.com', name: 'Ann' },
    });
    const { payment } = await engine.checkout.complete(session_id, { card: CARD_OK });
    // Activated before the delivery: the body shows the key as it is then (one instance), not as issued.
    const [issued] = (await engine.licenses.list({ customer_id: payment.customer.customer_id })).items;
    await engine.licenses.activate({ license_key: issued?.key ?? '', name: 'laptop' });

    const received = await listener.step();
    expect(types(received)).toEqual(['payment.processing', 'payment.succeeded', 'license_key.created']);
    const [key] = (await engine.licenses.list({ customer_id: payment.customer.customer_id })).items;
    expect(dataOf(received, 'license_key.created')).toMatchObject({
      payload_type: 'LicenseKey',
      id: key?.id,
      key: key?.key,
      payment_id: payment.payment_id,
      product_id: app.product_id,
      status: 'active',
      activations_limit: 2,
      instances_count: 1,
    });
  });
});
