// Rule under test: refunds never create money (DESIGN "Money", SPEC §2.9) — for random payments and random
// sequences of full, line and partial refunds (some refused), what is refunded never exceeds what was paid,
// per line and in total; the lines' refunded_amount always equals the sum of the succeeded refunds' items;
// and the payment's refund_status is full exactly when every line is refunded in full (partial when some
// money went back, null before any).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BillingError, type ErrorCode } from '../../../src/engine/errors.js';
import { type LineSpec, chargeLines } from '../../support/refund-fixtures.js';
import { createTestEngine } from '../../support/test-engine.js';

type Step = { kind: 'full' } | { kind: 'items'; items: Array<{ line: number; amount: number | null; tax_inclusive: boolean }> };

const lineSpec = (index: number): fc.Arbitrary<LineSpec> =>
  fc.record({
    item_id: fc.constant(`pdt_${index}`),
    amount: fc.integer({ min: 0, max: 5000 }),
    tax: fc.integer({ min: 0, max: 900 }),
  });

// 1–4 lines, at least one of them charging money (a zero payment is refused before anything else).
const payment = fc
  .integer({ min: 1, max: 4 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => lineSpec(i + 1))))
  .filter((lines) => lines.some((l) => l.amount + l.tax > 0));

const item = (lineCount: number) =>
  fc.record({
    line: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: lineCount - 1 }) }, { weight: 1, arbitrary: fc.constant(lineCount) }),
    // Mostly ordinary amounts; now and then 0 or below (LINE_ITEM_REFUND_AMOUNT_TOO_LOW); null = the rest of the line.
    amount: fc.option(
      fc.oneof({ weight: 1, arbitrary: fc.integer({ min: -2, max: 0 }) }, { weight: 8, arbitrary: fc.integer({ min: 1, max: 2000 }) }),
      { nil: null, freq: 4 },
    ),
    tax_inclusive: fc.boolean(),
  });

/** Steps for a payment of `lineCount` lines; a line index of `lineCount` names no line (LINE_ITEM_NOT_FOUND). */
const step = (lineCount: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant<Step>({ kind: 'full' }) },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('items' as const),
        items: fc.oneof(
          // Mostly each line once; now and then a line twice (DUPLICATE_LINE_ITEMS_IN_REQUEST).
          { weight: 9, arbitrary: fc.uniqueArray(item(lineCount), { minLength: 1, maxLength: 3, selector: (i) => i.line }) },
          { weight: 1, arbitrary: fc.array(item(lineCount), { minLength: 2, maxLength: 3 }) },
        ),
      }),
    },
  );

const scenario = payment.chain((specs) => fc.tuple(fc.constant(specs), fc.array(step(specs.length), { minLength: 1, maxLength: 8 })));

/** What a random step may legitimately be refused with. */
const EXPECTED_REFUSALS: readonly ErrorCode[] = [
  'PAYMENT_ALREADY_REFUNDED',
  'DUPLICATE_LINE_ITEMS_IN_REQUEST',
  'LINE_ITEM_NOT_FOUND',
  'LINE_ITEM_FULLY_REFUNDED',
  'LINE_ITEM_REFUND_AMOUNT_TOO_HIGH',
  'LINE_ITEM_REFUND_AMOUNT_TOO_LOW',
];

describe('refunds never return more than was paid', () => {
  test('per line, in total, and refund_status full exactly when everything is back', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([specs, steps]) => {
        const engine = await createTestEngine();
        try {
          const { payment_id, total_amount } = await chargeLines(engine, specs);
          let succeeded = 0;
          for (const s of steps) {
            const items =
              s.kind === 'full'
                ? undefined
                : s.items.map((i) => ({
                    item_id: `pdt_${i.line + 1}`,
                    ...(i.amount !== null && { amount: i.amount }),
                    tax_inclusive: i.tax_inclusive,
                  }));
            try {
              const refund = await engine.refunds.create({ payment_id, items });
              succeeded += 1;
              expect(refund.amount).toBeGreaterThan(0);
              expect(refund.amount).toBe(refund.items.reduce((sum, i) => sum + i.amount, 0));
              expect(refund.is_partial).toBe(refund.amount < total_amount);
            } catch (error) {
              if (!(error instanceof BillingError) || !EXPECTED_REFUSALS.includes(error.code)) throw error;
            }

            const lines = (await engine.payments.lineItems(payment_id)).items;
            const refunds = (await engine.refunds.list({ payment_id }, { page_size: 100 })).items;
            expect(refunds).toHaveLength(succeeded);
            for (const line of lines) {
              expect(line.refunded_amount).toBeGreaterThanOrEqual(0);
              expect(line.refunded_amount).toBeLessThanOrEqual(line.amount + line.tax);
              const fromRefunds = refunds.flatMap((r) => r.items).filter((i) => i.item_id === line.item_id);
              expect(line.refunded_amount).toBe(fromRefunds.reduce((sum, i) => sum + i.amount, 0));
            }
            const refundedTotal = refunds.reduce((sum, r) => sum + r.amount, 0);
            expect(refundedTotal).toBeLessThanOrEqual(total_amount);
            const everythingBack = lines.every((l) => l.refunded_amount === l.amount + l.tax);
            const { refund_status } = await engine.payments.get(payment_id);
            expect(refund_status === 'full').toBe(everythingBack);
            expect(everythingBack).toBe(refundedTotal === total_amount);
            expect(refund_status).toBe(succeeded === 0 ? null : everythingBack ? 'full' : 'partial');
          }
        } finally {
          await engine.close();
        }
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});
