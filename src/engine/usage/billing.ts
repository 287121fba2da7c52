import { iso } from '../clock.js';
import type { Db } from '../db/database.js';
import type { SubscriptionUsageLinesTable } from '../db/schema.js';
import type { Meter } from '../meters/types.js';
import { decimalOf, formatDecimal, multiplyHalfUp, parseDecimal, subtractDecimals } from '../money.js';
import type { ProductMeter } from '../products/types.js';
import type { Scope } from '../scope.js';
import type { SubscriptionChargeLine } from '../subscriptions/billing.js';
import type { StoredSubscription } from '../subscriptions/types.js';
import {
  customerSubscriptionMeters,
  findUsageLinesOfPeriodEnding,
  hasUsageLines,
  insertUsageLines,
  planChangesBetween,
  usageBilledElsewhereUntil,
} from './repo.js';
import type { MeterUsage } from './types.js';

/**
 * A meter's units for one customer over [start, end): its event name, its filter, its aggregation, read
 * from the engine's usage event store (chosen once, when the engine opened) over the scope billing runs in.
 */
function meterUnits(scope: Scope, customerId: string, meter: Meter, start: number, end: number): Promise<number> {
  return scope.deps.usageEvents.meterUnits(scope, customerId, meter, start, end);
}

/**
 * NOTE: chargeable = max(0, units − free_threshold); amount = chargeable × price_per_unit rounded once, half
 * up, on exact decimals. 2,500 calls, 1,000 free, "2" → 1,500 × 2 = 3000; 25 images, 10 free, "5" → 75;
 * 250 units, 100 free, "50" → 7500; 3 units at "0.5" → 1.5 → 2.
 */
export function meterCharge(units: number, freeThreshold: number, pricePerUnit: string): { chargeable_units: number; amount: number } {
  const price = parseDecimal(pricePerUnit);
  if (!price) throw new Error(`stored price_per_unit "${pricePerUnit}" is not a decimal`);
  const over = subtractDecimals(decimalOf(units), { digits: BigInt(freeThreshold), scale: 0 });
  if (over.digits <= 0n) return { chargeable_units: 0, amount: 0 };
  return { chargeable_units: Number(formatDecimal(over)), amount: multiplyHalfUp(over, price) };
}

interface Segment {
  start: number;
  end: number;
  product_id: string;
}

/**
 * D6: the period [start, end) split at the subscription's plan changes, each part under the product it
 * was on. A change dated at `end` (a scheduled change applied by the renewal that closes the period) names
 * the product the whole tail was recorded under.
 */
async function segmentsOf(db: Db, sub: Pick<StoredSubscription, 'subscription_id' | 'product_id'>, start: number, end: number): Promise<Segment[]> {
  const changes = await planChangesBetween(db, sub.subscription_id, start, end);
  const segments: Segment[] = [];
  let from = start;
  for (const change of changes) {
    if (change.at >= end) {
      segments.push({ start: from, end, product_id: change.from_product_id });
      return segments.filter((s) => s.end > s.start);
    }
    segments.push({ start: from, end: change.at, product_id: change.from_product_id });
    from = change.at;
  }
  segments.push({ start: from, end, product_id: sub.product_id });
  return segments.filter((s) => s.end > s.start);
}

export interface PeriodUsage {
  meters: MeterUsage[];
  /** The part of the period each meter line measured, parallel to `meters`. */
  segments: { start: number; end: number }[];
}

/**
 * Every meter line of a subscription's period [start, end) (SPEC §2.7): per part of the period (D6), each
 * meter of that part's usage-based product, unless the usage belongs to an older active subscription of the
 * customer that has the same meter (attribution: the oldest one). Usage another subscription of the customer
 * already billed is not billed again: a part is measured from where their billed lines on the meter end
 * (S1 and S2 share calls; S1 is cancelled on Apr 10 and bills Apr 1–10; S2's period Apr 2 – May 2 then
 * bills its calls from Apr 10).
 *
 * Free thresholds reset per period, not per part: a meter present in several parts grants its allowance
 * once. A part's threshold = max(0, its product's free_threshold − free units used by earlier parts of this
 * period on this meter), where a part uses min(units, its threshold) free units (whole units: 2.5 units use
 * 2, so thresholds stay whole). Example: A has 1000 free at "2", B 5000 free at "1". 800 units on A, then an
 * upgrade to B and 3000 units: A part 800 − 1000 → 0 charged; B part threshold 5000 − 800 = 4200, 0 charged.
 * Starting on B with 4000 units then downgrading to A with 500: A part threshold max(0, 1000 − 4000) = 0,
 * so 500 × 2 = 1000. Each line shows the threshold it got (4200, 0).
 *
 * Queries per subscription: its plan changes, its parts' products, their meters, the customer's
 * subscriptions with those meters (one query; when the customer has other subscriptions, one more for what
 * they billed), then one units query per meter line.
 */
export async function usageOfPeriod(
  scope: Scope,
  sub: Pick<StoredSubscription, 'subscription_id' | 'customer_id' | 'product_id'>,
  start: number,
  end: number,
): Promise<PeriodUsage & { parts: Segment[] }> {
  const db = scope.db;
  const parts = await segmentsOf(db, sub, start, end);
  const products = new Map((await scope.products.findMany([...new Set(parts.map((p) => p.product_id))])).map((p) => [p.product_id, p]));
  const links: { part: Segment; link: ProductMeter }[] = parts.flatMap((part) => {
    const price = products.get(part.product_id)?.price;
    return price?.type === 'usage_based_price' ? price.meters.map((link) => ({ part, link })) : [];
  });
  if (links.length === 0) return { meters: [], segments: [], parts };
  const meterIds = [...new Set(links.map((l) => l.link.meter_id))];
  const meters = new Map((await scope.meters.findMany(meterIds)).map((m) => [m.meter_id, m]));
  const subscriptions = await customerSubscriptionMeters(db, scope.businessId, sub.customer_id, meterIds);
  const owners = new Map<string, string>();
  for (const row of subscriptions) {
    if (row.status === 'active' && row.meter_id !== null && !owners.has(row.meter_id)) owners.set(row.meter_id, row.subscription_id);
  }
  const billedElsewhere = subscriptions.some((row) => row.subscription_id !== sub.subscription_id)
    ? await usageBilledElsewhereUntil(db, sub.customer_id, sub.subscription_id, meterIds, start, end)
    : new Map<string, number>();
  const result: MeterUsage[] = [];
  const segments: { start: number; end: number }[] = [];
  // Free units of each meter used by the earlier parts of this period.
  const freeUsed = new Map<string, number>();
  for (const { part, link } of links) {
    const meter = meters.get(link.meter_id);
    if (!meter) continue;
    const owner = owners.get(meter.meter_id);
    if (owner !== undefined && owner !== sub.subscription_id) continue;
    const from = Math.max(part.start, billedElsewhere.get(meter.meter_id) ?? part.start);
    if (from >= part.end) continue;
    const consumed = await meterUnits(scope, sub.customer_id, meter, from, part.end);
    const used = freeUsed.get(meter.meter_id) ?? 0;
    const threshold = Math.max(0, link.free_threshold - used);
    freeUsed.set(meter.meter_id, used + Math.floor(Math.min(consumed, threshold)));
    const { chargeable_units, amount } = meterCharge(consumed, threshold, link.price_per_unit);
    result.push({
      meter_id: meter.meter_id,
      name: meter.name,
      measurement_unit: meter.measurement_unit,
      product_id: part.product_id,
      consumed_units: consumed,
      chargeable_units,
      free_threshold: threshold,
      price_per_unit: link.price_per_unit,
      amount,
    });
    segments.push({ start: from, end: part.end });
  }
  return { meters: result, segments, parts };
}

/** What the renewal closing a period adds: its meter lines, and how to record them once the payment exists. */
export interface ClosingUsage {
  lines: SubscriptionChargeLine[];
  /** Σ meter amounts, minor units, before codes, credits and tax. */
  amount: number;
  /** Records the lines against the payment; null when nothing was charged (the meters billed 0). */
  record(paymentId: string | null): Promise<void>;
}

/**
 * The usage of the period a renewal closes, [previous_billing_date, end) with end = next_billing_date
 * unless told, billed in arrears with the renewal: one invoice line per meter (quantity 1 at the rounded
 * amount; the name carries units, free threshold and price per unit), recorded in subscription_usage_lines
 * for get_usage_history. Runs in the renewal's transaction (`tx`), where `record` writes too.
 */
export async function closingPeriodUsage(tx: Scope, sub: StoredSubscription, end: number = sub.next_billing_date): Promise<ClosingUsage> {
  const start = sub.previous_billing_date;
  const { meters, segments } = await usageOfPeriod(tx, sub, start, end);
  const dates = periodName(start, end);
  const lines = meters.map((m): SubscriptionChargeLine => ({
    item_id: m.meter_id,
    kind: 'meter',
    name: `${m.name}, ${dates}: ${m.consumed_units} ${m.measurement_unit}, ${m.free_threshold} free, ${m.chargeable_units} × ${m.price_per_unit}`,
    product_id: m.product_id,
    quantity: 1,
    unit_price: m.amount,
    discount_percent: 0,
    tax_inclusive: sub.tax_inclusive,
  }));
  const late = await lateUsage(tx, sub, start);
  return {
    lines: [...lines, ...late.lines],
    amount: meters.reduce((sum, m) => sum + m.amount, 0) + late.amount,
    record: async (paymentId) => {
      await late.record(paymentId);
      const rows = meters.map((m, position): SubscriptionUsageLinesTable => ({
        subscription_id: sub.subscription_id,
        period_start: start,
        period_end: end,
        position,
        product_id: m.product_id,
        meter_id: m.meter_id,
        meter_name: m.name,
        segment_start: segments[position]?.start ?? start,
        segment_end: segments[position]?.end ?? end,
        consumed_units: String(m.consumed_units),
        chargeable_units: String(m.chargeable_units),
        free_threshold: m.free_threshold,
        price_per_unit: m.price_per_unit,
        amount: m.amount,
        payment_id: paymentId,
      }));
      await insertUsageLines(tx.db, rows);
    },
  };
}

/** A period as invoice lines name it: "2025-04-01 to 2025-05-01" (with the time when not midnight UTC). */
export function periodName(start: number, end: number): string {
  const day = (at: number) => {
    const text = iso(at);
    return text.endsWith('T00:00:00.000Z') ? text.slice(0, 10) : `${text.slice(0, 16)}Z`;
  };
  return `${day(start)} to ${day(end)}`;
}

/**
 * Late usage (SPEC D16): events accepted inside the D12 window (at most 1 hour old) whose timestamps lie in
 * the period the previous renewal billed, ending at `periodEnd`. Only that period can receive them: it
 * ended at most an hour before they arrived, and a billing interval is at least a day. Each meter line the
 * period recorded is measured again over its own part of the period, and what its usage costs now under
 * that line's own free threshold and price is compared with what was billed for it (the line and any late
 * lines before): a positive difference is billed on its own line, naming the period, and recorded with the
 * extra units, so every accepted event is billed exactly once. Example: 2,400 calls billed for Apr 1 – May
 * 1 (1,000 free at "2": 2800); 100 more dated Apr 30 arrive on May 1 → May's renewal adds "API calls, late
 * usage for 2025-04-01 to 2025-05-01: +100 calls" for 200.
 */
async function lateUsage(
  tx: Scope,
  sub: StoredSubscription,
  periodEnd: number,
): Promise<Omit<ClosingUsage, 'record'> & { record(paymentId: string | null): Promise<void> }> {
  const db = tx.db;
  const billed = await findUsageLinesOfPeriodEnding(db, sub.subscription_id, periodEnd);
  const none = { lines: [], amount: 0, record: async () => undefined };
  if (billed.length === 0) return none;
  const periodStart = billed[0]?.period_start ?? periodEnd;
  const meters = new Map((await tx.meters.findMany([...new Set(billed.map((l) => l.meter_id))])).map((m) => [m.meter_id, m]));
  // The first line of each (meter, part) holds its threshold and price; later ones are late lines for it.
  const parts = new Map<string, { first: SubscriptionUsageLinesTable; consumed: number; chargeable: number; amount: number }>();
  for (const line of billed) {
    const key = `${line.meter_id}/${line.segment_start}/${line.segment_end}`;
    const part = parts.get(key);
    if (part) {
      part.consumed += Number(line.consumed_units);
      part.chargeable += Number(line.chargeable_units);
      part.amount += line.amount;
    } else {
      parts.set(key, { first: line, consumed: Number(line.consumed_units), chargeable: Number(line.chargeable_units), amount: line.amount });
    }
  }
  const dates = periodName(periodStart, periodEnd);
  const lines: SubscriptionChargeLine[] = [];
  const rows: Omit<SubscriptionUsageLinesTable, 'payment_id'>[] = [];
  let position = Math.max(...billed.map((l) => l.position)) + 1;
  for (const { first, consumed, chargeable, amount } of parts.values()) {
    const meter = meters.get(first.meter_id);
    if (!meter) continue;
    const units = await meterUnits(tx, sub.customer_id, meter, first.segment_start, first.segment_end);
    const now = meterCharge(units, first.free_threshold, first.price_per_unit);
    const extra = now.amount - amount;
    if (extra <= 0) continue;
    const extraUnits = units - consumed;
    lines.push({
      item_id: meter.meter_id,
      kind: 'meter',
      name: `${meter.name}, late usage for ${dates}: +${extraUnits} ${meter.measurement_unit}`,
      product_id: first.product_id,
      quantity: 1,
      unit_price: extra,
      discount_percent: 0,
      tax_inclusive: sub.tax_inclusive,
    });
    rows.push({
      ...first,
      position: position++,
      consumed_units: String(extraUnits),
      chargeable_units: String(now.chargeable_units - chargeable),
      amount: extra,
    });
  }
  return {
    lines,
    amount: lines.reduce((sum, line) => sum + line.unit_price, 0),
    record: async (paymentId) =>
      insertUsageLines(
        db,
        rows.map((row) => ({ ...row, payment_id: paymentId })),
      ),
  };
}

/**
 * The usage an ending leaves to bill (SPEC §2.3, §2.7): a scheduled cancellation or a term end at
 * next_billing_date (or expires_at), or an immediate cancellation at now, closes the period
 * [previous_billing_date, end) with no renewal to bill it, so its meter lines are billed by the ending
 * itself. `end` is capped at next_billing_date: an ending never measures past the period it closes.
 * Null when there is nothing to bill: no meters (a recurring product), or the period's lines are already
 * recorded (an on_hold subscription whose failed renewal billed [previous, next) and still owes it).
 * Example: cancelled on Apr 20 after 2,500 calls since Apr 1 (1,000 free at "2") → one line of 3000.
 */
export async function finalPeriodUsage(tx: Scope, sub: StoredSubscription, end: number): Promise<ClosingUsage | null> {
  const usage = await closingPeriodUsage(tx, sub, Math.min(end, sub.next_billing_date));
  if (usage.lines.length === 0) return null;
  if (await hasUsageLines(tx.db, sub.subscription_id, sub.previous_billing_date)) return null;
  return usage;
}

/** The part of the current period a subscription is in, and its meter usage so far. */
export interface PartUsage {
  /** Where the part starts: the period's start, or the latest plan change in it. Epoch ms. */
  start: number;
  /** Now (capped at next_billing_date). Epoch ms. */
  end: number;
  /** The product whose meters bill the part: the current one. */
  product_id: string;
  meters: MeterUsage[];
  /** Σ meter amounts, minor units, before codes, credits and tax. */
  amount: number;
}

/**
 * The meter usage of the current part of the period so far, [start of the part, now): what D6 bills for it
 * at the next renewal, under the current product's meters, with the free allowance earlier parts of the
 * period used already taken off (see usageOfPeriod). A plan change closes this part, so its previews show it.
 * Null when the current product is not usage-based. Example: on A (1000 free at "2") since Apr 1, 2,500
 * calls by Apr 11 → 1,500 chargeable, 3000.
 */
export async function currentPartUsage(
  scope: Scope,
  sub: Pick<StoredSubscription, 'subscription_id' | 'customer_id' | 'product_id' | 'previous_billing_date' | 'next_billing_date'>,
  now: number,
): Promise<PartUsage | null> {
  const [product] = await scope.products.findMany([sub.product_id]);
  if (product?.price.type !== 'usage_based_price') return null;
  const end = Math.max(sub.previous_billing_date, Math.min(now, sub.next_billing_date));
  const period = await usageOfPeriod(scope, sub, sub.previous_billing_date, end);
  const last = period.parts.at(-1);
  const current = last !== undefined && last.product_id === sub.product_id ? last : null;
  const start = current?.start ?? end;
  // The current part's lines are those measured up to `end` (a line may start later than the part, see usageOfPeriod).
  const meters = period.meters.filter((_, index) => current !== null && period.segments[index]?.end === end);
  return { start, end, product_id: sub.product_id, meters, amount: meters.reduce((sum, m) => sum + m.amount, 0) };
}
